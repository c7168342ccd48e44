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

Describe 'Publish-FlaskApp to three accounts at once, one of which fails' -Tag Integration {
    BeforeAll {
        $script:project = Join-Path $work 'shop'
        Copy-Item (Join-Path $PSScriptRoot 'projects/shop') $project -Recurse
        $script:pubAccounts = 'isabell2', 'isabell3', 'isabell4'
        for ($i = 0; $i -lt 3; $i++) {
            # The sandbox's accounts share one machine's ports (Uberspace hosts do not), so each account gets its own,
            # remembered on its host as after an earlier publish.
            $null = Invoke-AsAccountNative -User $pubAccounts[$i] -Command "mkdir -p ~/apps/shop && printf 'port=%s\nalternate-port=%s\n' $(10610 + 10 * $i) $(10611 + 10 * $i) > ~/apps/shop/state"
        }
        # isabell4's publish directory is broken: a file sits where the releases go.
        $null = Invoke-AsAccountNative -User isabell4 -Command 'touch ~/apps/shop/releases'
        $script:sessions = foreach ($u in $pubAccounts) {
            New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName $u -KeyFile $key -HostKeyFingerprint $pin -FrontendUrl (Get-SandboxFrontendUrl -User $u) -ErrorAction Stop
        }
        $script:published = $sessions | Publish-FlaskApp -Name shop -Path $project -SystemSitePackages -PipArgument '--no-index' -HealthPath /health `
            -GraceSeconds 0 -ThrottleLimit 3 -ErrorAction SilentlyContinue -ErrorVariable pubErrors
        $script:pubErrors = @($pubErrors)
    }
    AfterAll { $sessions | ForEach-Object { Remove-UberspaceSession $_ } }

    It 'gives one result per host: two Deployed, one Failed' {
        @($published).Count | Should -Be 3
        ($published | Where-Object Location -like 'isabell2@*').Status | Should -Be 'Deployed'
        ($published | Where-Object Location -like 'isabell3@*').Status | Should -Be 'Deployed'
        ($published | Where-Object Location -like 'isabell4@*').Status | Should -Be 'Failed'
    }
    It 'writes one error record, for the failed host, with its session as the target' {
        $pubErrors.Count | Should -Be 1
        $pubErrors[0].FullyQualifiedErrorId | Should -Be 'ReleaseStageFailed,UberspaceFlask.Commands.PublishFlaskAppCommand'
        $pubErrors[0].TargetObject.UserName | Should -Be 'isabell4'
    }
    It 'the two that succeeded serve the project through their own frontends' -ForEach @(@{ User = 'isabell2' }, @{ User = 'isabell3' }) {
        (Get-SandboxPage -User $User -Path '/').Content | Should -Match 'Shop v1'
    }
}
