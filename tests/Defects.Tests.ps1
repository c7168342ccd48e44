# The defect classes found on an independent test host, each shown on the sandbox's real components: a write through
# a symbolic link, -WhatIf acting on a value read from a host file, hand edits overwritten, a diagnosis check that
# could not fail, a pip index token shown to the user, text beyond the BMP. Each failed before the host-side rebuild.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxRunner.psm1') -Force
    Reset-SandboxAccount
    Initialize-SandboxRunner -ModulePath $env:UF_MODULE_PATH
    Import-Module $env:UF_MODULE_PATH -Force
    $script:work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-defects-" + [guid]::NewGuid().ToString('N')))).FullName
    $script:key = Join-Path $work 'id_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -f $key
    Add-Content /home/isabell/.ssh/authorized_keys (Get-Content "$key.pub")
    $pin = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
    $script:s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile $key -HostKeyFingerprint $pin -ErrorAction Stop
    function Invoke-Host([string] $Command) { (Invoke-UberspaceCommand -Session $s -Command $Command -IgnoreExitStatus).Stdout }
    $script:app = New-FlaskApp -Name defects -Session $s -Message "Hi 😀 there" -Package @() -SystemSitePackages -ErrorAction Stop |
        New-UwsgiConfig -Port 10501 -MountPath /defects -ErrorAction Stop
    $script:svc = $app | Register-SupervisorService -Name defects -StartSeconds 1 -ErrorAction Stop
    $svc | Set-WebBackend -ErrorAction Stop | Out-Null
}
AfterAll {
    if ($s) { Remove-UberspaceSession $s }
    if ($work) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Text beyond the BMP' -Tag Integration {
    It 'an emoji in -Message reaches the page intact' {
        $page = Get-SandboxPage -Path '/defects/'
        $page.StatusCode | Should -Be 200
        $page.Content | Should -Match '<h1>Hi 😀 there</h1>'
    }
}

Describe 'No write follows a symbolic link, over SSH and locally alike' -Tag Integration {
    It '<Where>: a dangling link at static/style.css is refused without -Force and nothing is written through it' -ForEach @(
        @{ Where = 'over SSH'; Local = $false }, @{ Where = 'locally'; Local = $true }
    ) {
        $name = if ($Local) { 'linked_local' } else { 'linked_ssh' }
        Invoke-Host "rm -rf $name elsewhere_$name; mkdir -p $name/static && ln -s ~/elsewhere_$name $name/static/style.css" | Out-Null
        if ($Local) {
            $r = Invoke-AsAccount -ScriptBlock { param($n) New-FlaskApp -Name $n -Package @() -SystemSitePackages } -Parameters @{ n = $name }
            $r.ErrorId | Should -Be 'AppFileExists,UberspaceFlask.Commands.NewFlaskAppCommand'
        } else {
            { New-FlaskApp -Name $name -Session $s -Package @() -SystemSitePackages -ErrorAction Stop } |
                Should -Throw -ErrorId 'AppFileExists,UberspaceFlask.Commands.NewFlaskAppCommand'
        }
        Invoke-Host "test -e elsewhere_$name && echo written-through; test -L $name/static/style.css && echo still-a-link" | Should -Be "still-a-link`n"
    }
    It '<Where>: with -Force the link itself is replaced, its target is never written' -ForEach @(
        @{ Where = 'over SSH'; Local = $false }, @{ Where = 'locally'; Local = $true }
    ) {
        $name = if ($Local) { 'linked_local' } else { 'linked_ssh' }
        Invoke-Host "echo 'theirs' > elsewhere_$name" | Out-Null
        if ($Local) {
            $r = Invoke-AsAccount -ScriptBlock { param($n) New-FlaskApp -Name $n -Package @() -SystemSitePackages -Force } -Parameters @{ n = $name }
            $r.Errors | Should -BeNullOrEmpty
        } else {
            New-FlaskApp -Name $name -Session $s -Package @() -SystemSitePackages -Force -ErrorAction Stop | Out-Null
        }
        Invoke-Host "cat elsewhere_$name; test -L $name/static/style.css || echo regular-file; cat $name/static/style.css" |
            Should -Match "^theirs`nregular-file`nh1 \{"
    }
}

Describe '-WhatIf never acts on what it reads from the host' -Tag Integration {
    It 'a hostile pidfile value in uwsgi.ini changes nothing under Register-SupervisorService -WhatIf' {
        # Once, a pidfile value was expanded unquoted into `find` operators and deleted the app's files: a path with
        # spaces that names a file holding the running master's pid (and whose first word names a file too).
        Invoke-Host "cp defects/defects.pid 'defects/p -o -delete'; touch defects/p; sed -i `"s|^pidfile = .*|pidfile = `$HOME/defects/p -o -delete|`" defects/uwsgi.ini; touch defects/app.py" | Out-Null
        Invoke-Host 'grep "^pidfile" defects/uwsgi.ini' | Should -Match 'pidfile = /home/isabell/defects/p -o -delete'
        $before = Invoke-Host 'find defects -path defects/ENV -prune -o -type f -print | sort'
        $app | Register-SupervisorService -Name defects -StartSeconds 3 -WhatIf
        Invoke-Host 'find defects -path defects/ENV -prune -o -type f -print | sort' | Should -Be $before
        $before | Should -Match 'defects/app\.py'
    }
}

Describe 'A file edited by hand is not overwritten without -Force' -Tag Integration {
    It 'an environment= line added to the service ini: ConfigEditedByHand, and the file stays as the user left it' {
        Invoke-Host 'echo "environment=GREETING=hello" >> etc/services.d/defects.ini' | Out-Null
        $before = Invoke-Host 'cat etc/services.d/defects.ini'
        { $app | Register-SupervisorService -Name defects -StartSeconds 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConfigEditedByHand,UberspaceFlask.Commands.RegisterSupervisorServiceCommand'
        Invoke-Host 'cat etc/services.d/defects.ini' | Should -Be $before
    }
    It 'with -Force it is replaced, the old content kept beside it, and a warning names the copy' {
        $out = $app | Register-SupervisorService -Name defects -StartSeconds 2 -Force -ErrorAction Stop -WarningVariable warned
        $out.Ready | Should -BeTrue
        "$warned" | Should -Match 'etc/services\.d/defects\.ini\.uf-backup'
        Invoke-Host 'cat etc/services.d/defects.ini.uf-backup' | Should -Match 'environment=GREETING=hello'
        Invoke-Host 'cat etc/services.d/defects.ini' | Should -Not -Match 'environment='
    }
    It 'uwsgi.ini edited by hand: New-UwsgiConfig refuses, -Force keeps the old one as uwsgi.ini.uf-backup' {
        Invoke-Host 'echo "env = GREETING=hello" >> defects/uwsgi.ini' | Out-Null
        { $app | New-UwsgiConfig -Port 10501 -MountPath /defects -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConfigEditedByHand,UberspaceFlask.Commands.NewUwsgiConfigCommand'
        Invoke-Host 'tail -n 1 defects/uwsgi.ini' | Should -Be "env = GREETING=hello`n"
        $app | New-UwsgiConfig -Port 10501 -MountPath /defects -Force -ErrorAction Stop -WarningVariable warned | Out-Null
        "$warned" | Should -Match 'defects/uwsgi\.ini\.uf-backup'
        Invoke-Host 'cat defects/uwsgi.ini.uf-backup' | Should -Match 'env = GREETING=hello'
        # Re-run with the same inputs: the file the module wrote is its own again, no -Force needed.
        ($app | New-UwsgiConfig -Port 10501 -MountPath /defects -ErrorAction Stop).Changed | Should -BeFalse
    }
    It 'a symbolic link where the backup goes is replaced, never written through' {
        Invoke-Host 'echo "env = AGAIN=1" >> defects/uwsgi.ini; rm -f defects/uwsgi.ini.uf-backup backup_elsewhere; ln -s ~/backup_elsewhere defects/uwsgi.ini.uf-backup' | Out-Null
        $app | New-UwsgiConfig -Port 10501 -MountPath /defects -Force -ErrorAction Stop -WarningAction SilentlyContinue | Out-Null
        Invoke-Host 'test -e backup_elsewhere && echo written-through; test -L defects/uwsgi.ini.uf-backup && echo still-a-link; grep -c "env = AGAIN=1" defects/uwsgi.ini.uf-backup' |
            Should -Be "1`n"
    }
}

Describe 'The venv check can fail' -Tag Integration {
    It 'a venv whose python cannot start is Failed, not "imports Flask"' {
        Invoke-Host 'mv defects/ENV/bin/python defects/ENV/bin/python.real; printf "#!/bin/sh\nexit 126\n" > defects/ENV/bin/python; chmod +x defects/ENV/bin/python' | Out-Null
        try {
            $check = Test-FlaskDeployment -Name defects -Session $s -FrontendUrl (Get-SandboxFrontendUrl) | Where-Object Check -eq 'Virtual environment'
            $check.Status | Should -Be 'Failed'
            $check.Message | Should -Match 'exit 126'
        } finally {
            Invoke-Host 'mv -f defects/ENV/bin/python.real defects/ENV/bin/python' | Out-Null
        }
        (Test-FlaskDeployment -Name defects -Session $s -FrontendUrl (Get-SandboxFrontendUrl) | Where-Object Check -eq 'Virtual environment').Status | Should -Be 'Passed'
    }
}

Describe 'A token in a pip argument is never shown' -Tag Integration {
    BeforeAll {
        $script:secretArgs = @('--index-url', 'https://user:TOPSECRET42@127.0.0.1:9/simple', '--retries', '0', '--timeout', '1')
    }
    It 'not in -Verbose, not in the error' {
        $err = $null
        $verbose = New-FlaskApp -Name piptoken -Session $s -Package 'no-such-package-here' -PipArgument $secretArgs -SystemSitePackages -Verbose -ErrorAction SilentlyContinue -ErrorVariable err 4>&1
        $err[0].FullyQualifiedErrorId | Should -Be 'PipInstallFailed,UberspaceFlask.Commands.NewFlaskAppCommand'
        ($verbose | ForEach-Object { "$_" }) -join "`n" | Should -Not -Match 'TOPSECRET42'
        ($verbose | ForEach-Object { "$_" }) -join "`n" | Should -Match ([regex]::Escape('https://***@127.0.0.1:9/simple'))
        "$($err[0].Exception.Message) $($err[0].TargetObject)" | Should -Not -Match 'TOPSECRET42'
    }
    It 'not in -WhatIf' {
        $code = @"
Import-Module '$($env:UF_MODULE_PATH)'
`$s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile '$key' -HostKeyFingerprint '$($s.HostKeyFingerprint)'
New-FlaskApp -Name defects -Session `$s -Message 'Hi 😀 there' -Package flask -PipArgument '--index-url','https://user:TOPSECRET42@127.0.0.1:9/simple' -SystemSitePackages -Force -WhatIf
"@
        $out = (& dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $code 2>&1) -join "`n"
        # The venv exists and -Force is given, so pip would run: its line is among the changes, masked.
        $out | Should -Match 'What if: .*pip install --index-url https://\*\*\*@127\.0\.0\.1:9/simple'
        $out | Should -Not -Match 'TOPSECRET42'
    }
}
