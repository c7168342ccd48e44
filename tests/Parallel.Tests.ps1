# Four sessions to four sandbox accounts, used at once from ForEach-Object -Parallel: no shared state in the module.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxRunner.psm1') -Force
    & bash (Join-Path $PSScriptRoot 'sandbox/sandbox.sh') start 4 | Out-Null
    if ($LASTEXITCODE) { throw "The sandbox did not start (exit $LASTEXITCODE)" }
    Import-Module $env:UF_MODULE_PATH -Force
    $script:work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-parallel-" + [guid]::NewGuid().ToString('N')))).FullName
    $script:key = Join-Path $work 'id_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -f $key
    $script:accounts = 'isabell', 'isabell2', 'isabell3', 'isabell4'
    foreach ($u in $accounts) {
        Add-Content "/home/$u/.ssh/authorized_keys" (Get-Content "$key.pub")
        & chown "${u}:${u}" "/home/$u/.ssh/authorized_keys"
    }
    $script:pin = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
    $module = $env:UF_MODULE_PATH
    $script:results = 0..3 | ForEach-Object -ThrottleLimit 4 -Parallel {
        $i = $_
        $user = ($using:accounts)[$i]
        try {
            Import-Module $using:module
            $s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName $user -KeyFile $using:key -HostKeyFingerprint $using:pin -ErrorAction Stop
            $b = New-FlaskApp -Name basic_flask -Session $s -Message "Hello from $user" -Package @() -SystemSitePackages -ErrorAction Stop |
                New-UwsgiConfig -Port (10281 + $i) -ErrorAction Stop |
                Register-SupervisorService -Name flask -StartSeconds 1 -ErrorAction Stop |
                Set-WebBackend -ErrorAction Stop
            Remove-UberspaceSession $s
            [pscustomobject]@{ User = $user; Status = $b.StatusKind; Location = $b.Location; Error = $null }
        } catch {
            [pscustomobject]@{ User = $user; Status = $null; Location = $null; Error = "$($_.FullyQualifiedErrorId): $_" }
        }
    }
}
AfterAll {
    if ($work) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
    # Leave the usual one-account sandbox behind.
    & bash (Join-Path $PSScriptRoot 'sandbox/sandbox.sh') start | Out-Null
}

Describe 'Four sessions from ForEach-Object -Parallel' -Tag Integration {
    It 'all four deploys succeed' {
        $results.Count | Should -Be 4
        $results | Where-Object Error | ForEach-Object Error | Should -BeNullOrEmpty
        ($results | Sort-Object User).Status | Should -Be @('Ok', 'Ok', 'Ok', 'Ok')
    }
    It 'each account serves its own page through its own frontend' -ForEach @(
        @{ User = 'isabell' }, @{ User = 'isabell2' }, @{ User = 'isabell3' }, @{ User = 'isabell4' }
    ) {
        $page = Get-SandboxPage -User $User -Path '/'
        $page.StatusCode | Should -Be 200
        $page.Content | Should -Match "Hello from $User<"
        ($results | Where-Object User -eq $User).Location | Should -Be "$User@127.0.0.1:12222"
    }
}
