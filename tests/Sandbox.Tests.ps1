# The test sandbox itself: the `uberspace` stand-in's documented output, real routing, and clean stop/start.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxRunner.psm1') -Force
    $script:sandbox = Join-Path $PSScriptRoot 'sandbox/sandbox.sh'
    & bash $sandbox start | Out-Null
    if ($LASTEXITCODE) { throw "The sandbox did not start (exit $LASTEXITCODE)" }
    # Two listeners as the account: one on all interfaces, one on 127.0.0.1 only.
    Invoke-AsAccountNative -Command 'mkdir -p www/sub && echo "root listing" > www/index.html && echo "inner page" > www/sub/index.html && cd www &&
        (setsid python3 -m http.server 10251 --bind 0.0.0.0 >/dev/null 2>&1 &) && (setsid python3 -m http.server 10252 --bind 127.0.0.1 >/dev/null 2>&1 &) && sleep 1' | Out-Null
}

Describe 'The uberspace stand-in' -Tag Integration {
    It 'prints the documented output of set' {
        $r = Invoke-AsAccountNative -Command 'uberspace web backend set /all --http --port 10251'
        $r.ExitCode | Should -Be 0
        $r.Text | Should -BeExactly ("Set backend for /all to port 10251; please make sure something is listening!`n" +
            'You can always check the status of your backend using "uberspace web backend list".')
    }
    It 'takes flags in any order, and --remove-prefix' {
        (Invoke-AsAccountNative -Command 'uberspace web backend set --remove-prefix --port 10251 /strip --http').ExitCode | Should -Be 0
    }
    It 'lists OK, wrong interface and no service as documented' {
        Invoke-AsAccountNative -Command 'uberspace web backend set /local --http --port 10252; uberspace web backend set /none --http --port 10253' | Out-Null
        $list = (Invoke-AsAccountNative -Command 'uberspace web backend list').Text -split "`n"
        $list | Should -Contain '/none http:10253 => NOT OK, no service'
        ($list | Where-Object { $_ -like '/local *' }) | Should -Match '^/local http:10252 => NOT OK, wrong interface \(127\.0\.0\.1\): PID \d+, python3 -m http.server 10252 --bind 127.0.0.1$'
        ($list | Where-Object { $_ -like '/strip *' }) | Should -Match '^/strip http:10251, --remove-prefix => OK, listening: PID \d+, python3 -m http.server 10251 --bind 0.0.0.0$'
        $list[-1] | Should -Be '/ apache (default)'
    }
    It 'routes through the frontend, keeping or stripping the prefix' {
        (Get-SandboxPage -Path '/strip/sub/').Content | Should -Match 'inner page'
        (Get-SandboxPage -Path '/strip/').Content | Should -Match 'root listing'
        (Get-SandboxPage -Path '/all/').StatusCode | Should -Be 404   # http.server has no /all/
    }
    It 'cannot reach an app bound to 127.0.0.1 (502), as on Uberspace' {
        (Get-SandboxPage -Path '/local/').StatusCode | Should -Be 502
    }
    It 'matches whole path segments: /stripped is not /strip' {
        (Get-SandboxPage -Path '/stripped').Content | Should -Match 'Apache default page'
    }
    It 'deletes a backend, and fails with non-zero exit for one that does not exist' {
        $r = Invoke-AsAccountNative -Command 'uberspace web backend del /none'
        $r.Text | Should -Be 'The web backend has been deleted.'
        (Invoke-AsAccountNative -Command 'uberspace web backend del /none').ExitCode | Should -Not -Be 0
    }
    It 'restores / apache (default) when / is deleted' {
        Invoke-AsAccountNative -Command 'uberspace web backend set / --http --port 10251' | Out-Null
        (Get-SandboxPage -Path '/').Content | Should -Match 'root listing'
        (Invoke-AsAccountNative -Command 'uberspace web backend del /').ExitCode | Should -Be 0
        (Invoke-AsAccountNative -Command 'uberspace web backend list').Text | Should -Match '(?m)^/ apache \(default\)$'
        (Get-SandboxPage -Path '/').Content | Should -Match 'Apache default page'
    }
    It 'rejects ports outside 1024-65535' {
        (Invoke-AsAccountNative -Command 'uberspace web backend set /x --http --port 80').ExitCode | Should -Not -Be 0
    }
}

Describe 'Stopping and starting the sandbox' -Tag Integration {
    It 'stops every process of the account and frees the frontend port, repeatedly' {
        foreach ($round in 1..2) {
            & bash $sandbox stop
            $LASTEXITCODE | Should -Be 0
            (& pgrep -u isabell) | Should -BeNullOrEmpty
            { Invoke-WebRequest (Get-SandboxFrontendUrl) -TimeoutSec 2 } | Should -Throw
            & bash $sandbox start | Out-Null
            $LASTEXITCODE | Should -Be 0
            (Get-SandboxPage -Path '/').Content | Should -Match 'Apache default page'
        }
    }
    It 'starts with a fresh home: nothing left from before' {
        (Invoke-AsAccountNative -Command 'ls www 2>&1; ls etc/services.d').Text | Should -Match 'No such file'
    }
    It 'refuses to take over an account it did not create, and leaves it alone' {
        & useradd --create-home --shell /usr/sbin/nologin ufforeign
        try {
            Set-Content /home/ufforeign/keep.txt 'mine'
            $env:UF_SANDBOX_ACCOUNTS = 'ufforeign'
            $out = & bash $sandbox start 2>&1
            $LASTEXITCODE | Should -Not -Be 0
            ($out -join "`n") | Should -Match "not created by the sandbox; refusing"
            Get-Content /home/ufforeign/keep.txt | Should -Be 'mine'
        } finally {
            Remove-Item Env:UF_SANDBOX_ACCOUNTS
            & userdel --remove ufforeign 2>$null
            & bash $sandbox start | Out-Null
        }
    }
}
