# The guide's four steps, piped, on the host itself: pwsh runs as the sandbox account 'isabell', as a user logged
# in on an Uberspace host runs it, against real supervisord, uWSGI, nginx and the `uberspace` stand-in.
BeforeDiscovery {
    $script:badInput = @(
        @{ Code = "New-FlaskApp -Name 'bad name'"; Id = 'InvalidAppName,UberspaceFlask.Commands.NewFlaskAppCommand' }
        @{ Code = "New-FlaskApp -Name `"it's`""; Id = 'InvalidAppName,UberspaceFlask.Commands.NewFlaskAppCommand' }
        @{ Code = "New-FlaskApp -Name 'x;touch pwned'"; Id = 'InvalidAppName,UberspaceFlask.Commands.NewFlaskAppCommand' }
        @{ Code = "New-FlaskApp -Name '..'"; Id = 'InvalidAppName,UberspaceFlask.Commands.NewFlaskAppCommand' }
        @{ Code = "New-FlaskApp -Name '-rf'"; Id = 'InvalidAppName,UberspaceFlask.Commands.NewFlaskAppCommand' }
        @{ Code = "New-FlaskApp -Name ''"; Id = 'InvalidAppName,UberspaceFlask.Commands.NewFlaskAppCommand' }
        @{ Code = "New-FlaskApp -Name ok -Path '../escape'"; Id = 'InvalidPath,UberspaceFlask.Commands.NewFlaskAppCommand' }
        @{ Code = "New-FlaskApp -Name ok -Path '~/a b'"; Id = 'InvalidPath,UberspaceFlask.Commands.NewFlaskAppCommand' }
        @{ Code = "New-FlaskApp -Name ok -EntryModule 'app.py'"; Id = 'InvalidEntryModule,UberspaceFlask.Commands.NewFlaskAppCommand' }
        @{ Code = "New-FlaskApp -Name ok -Package 'flask; touch pwned'"; Id = 'InvalidPackage,UberspaceFlask.Commands.NewFlaskAppCommand' }
        @{ Code = "New-UwsgiConfig -Path ~/ok -Port 80"; Id = 'InvalidPort,UberspaceFlask.Commands.NewUwsgiConfigCommand' }
        @{ Code = "New-UwsgiConfig -Path ~/ok -Port 65536"; Id = 'InvalidPort,UberspaceFlask.Commands.NewUwsgiConfigCommand' }
        @{ Code = "New-UwsgiConfig -Path ~/ok -MountPath 'app'"; Id = 'InvalidMountPath,UberspaceFlask.Commands.NewUwsgiConfigCommand' }
        @{ Code = "Register-SupervisorService -Name 'a b' -AppPath ~/ok"; Id = 'InvalidServiceName,UberspaceFlask.Commands.RegisterSupervisorServiceCommand' }
        @{ Code = "Set-WebBackend -Path / -Port 1023"; Id = 'InvalidPort,UberspaceFlask.Commands.SetWebBackendCommand' }
        @{ Code = "Set-WebBackend -Path / -Port 70000"; Id = 'InvalidPort,UberspaceFlask.Commands.SetWebBackendCommand' }
        @{ Code = "Set-WebBackend -Path 'app' -Port 1024"; Id = 'InvalidBackendPath,UberspaceFlask.Commands.SetWebBackendCommand' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxRunner.psm1') -Force
    Reset-SandboxAccount
    Initialize-SandboxRunner -ModulePath $env:UF_MODULE_PATH

    function Wait-Page([string] $Path, [string] $Pattern, [int] $Seconds = 15) {
        $deadline = (Get-Date).AddSeconds($Seconds)
        do {
            $page = Get-SandboxPage -Path $Path
            if ($page.StatusCode -eq 200 -and $page.Content -match $Pattern) { return $page }
            Start-Sleep -Milliseconds 250
        } while ((Get-Date) -lt $deadline)
        $page
    }
}

Describe 'Before any deploy' -Tag Integration {
    It 'the frontend serves the Apache default page' {
        $page = Get-SandboxPage -Path '/'
        $page.StatusCode | Should -Be 200
        $page.Content | Should -Match 'Apache default page'
    }
}

Describe 'The guide, piped: New-FlaskApp | New-UwsgiConfig | Register-SupervisorService | Set-WebBackend' -Tag Integration {
    BeforeAll {
        $script:deploy = Invoke-AsAccount -ScriptBlock {
            New-FlaskApp -Name basic_flask -Message 'Hello from the sandbox <&>' -Package @() -SystemSitePackages |
                New-UwsgiConfig -Port 10241 |
                Register-SupervisorService -Name flask -StartSeconds 1 |
                Set-WebBackend
        }
    }

    It 'runs without errors or warnings' {
        $deploy.Errors | Should -BeNullOrEmpty
        $deploy.Warnings | Should -BeNullOrEmpty
    }

    It 'serves the page with the message and the stylesheet link through the frontend' {
        $page = Get-SandboxPage -Path '/'
        $page.StatusCode | Should -Be 200
        $page.Content | Should -Match '<h1>Hello from the sandbox &lt;&amp;&gt;</h1>'
        $page.Content | Should -Match '<link rel="stylesheet" type="text/css" href="/static/style.css">'
    }

    It 'serves /static/style.css with color: blue' {
        $css = Get-SandboxPage -Path '/static/style.css'
        $css.StatusCode | Should -Be 200
        $css.Content | Should -Match 'color: blue'
    }

    It 'emits the backend with its parsed OK status' {
        $b = $deploy.Output | Select-Object -Last 1
        $b.Target | Should -Be '/'
        $b.Port | Should -Be 10241
        $b.StatusKind | Should -Be 'Ok'
        $b.Status | Should -Match '^OK, listening: PID \d+, .*uwsgi'
    }

    It 'leaves the service RUNNING under the account''s supervisord' {
        # Register returns as soon as the app answers; supervisord says RUNNING once startsecs (1 s here) are over.
        $deadline = (Get-Date).AddSeconds(5)
        do { $status = (Invoke-AsAccountNative -Command 'supervisorctl status flask').Text } while ($status -match 'STARTING' -and (Get-Date) -lt $deadline)
        $status | Should -Match '^flask\s+RUNNING\s+pid \d+'
    }

    It 'creates static/ (not the guide''s style/), templates/, app.py and the venv' {
        $ls = (Invoke-AsAccountNative -Command 'cd basic_flask && ls -d static templates app.py ENV/bin/python uwsgi.ini style 2>&1').Text
        $ls | Should -Match 'static'
        $ls | Should -Match 'templates'
        $ls | Should -Match 'ENV/bin/python'
        $ls | Should -Match "cannot access 'style'"
    }

    It 'writes the supervisord program with %(ENV_HOME)s, startsecs and group kill' {
        $ini = (Invoke-AsAccountNative -Command 'cat etc/services.d/flask.ini').Text
        $ini | Should -Match '(?m)^\[program:flask\]$'
        $ini | Should -Match '(?m)^directory=%\(ENV_HOME\)s/basic_flask$'
        $ini | Should -Match '(?m)^command=/usr/bin/uwsgi uwsgi.ini$'
        $ini | Should -Match '(?m)^startsecs=1$'
        $ini | Should -Match '(?m)^killasgroup=true$'
    }

    It 'hands each object to the next: the app''s path, the port and the mount path flow down the pipeline' {
        $b = $deploy.Output | Select-Object -Last 1
        $b.Changed | Should -BeTrue
        $b.Location | Should -Be 'local (isabell)'
        # New-UwsgiConfig got the app's path from New-FlaskApp, Set-WebBackend the port from the service object.
        (Invoke-AsAccountNative -Command 'cat basic_flask/uwsgi.ini').Text | Should -Match '(?m)^chdir = /home/isabell/basic_flask$'
        $b.Port | Should -Be 10241
    }
}

Describe 'A sub-path deploy (-MountPath /app, backend /app)' -Tag Integration {
    BeforeAll {
        $script:sub = Invoke-AsAccount -ScriptBlock {
            New-FlaskApp -Name subapp -Message 'Hello from below /app' -Package @() -SystemSitePackages |
                New-UwsgiConfig -Port 10242 -MountPath /app |
                Register-SupervisorService -Name subapp -StartSeconds 1 |
                Set-WebBackend
        }
    }
    It 'runs without errors' { $sub.Errors | Should -BeNullOrEmpty }
    It 'sets the backend /app without --remove-prefix (uWSGI mounts the prefix)' {
        $b = $sub.Output | Select-Object -Last 1
        $b.Target | Should -Be '/app'
        $b.RemovePrefix | Should -BeFalse
        $b.StatusKind | Should -Be 'Ok'
    }
    It 'serves the app under /app/ with its stylesheet under /app/static/' {
        $page = Get-SandboxPage -Path '/app/'
        $page.StatusCode | Should -Be 200
        $page.Content | Should -Match 'Hello from below /app'
        $page.Content | Should -Match 'href="/app/static/style.css"'
        (Get-SandboxPage -Path '/app/static/style.css').Content | Should -Match 'color: blue'
    }
    It 'leaves / to the first app' {
        (Get-SandboxPage -Path '/').Content | Should -Match 'Hello from the sandbox'
    }
}

Describe 'Re-running New-FlaskApp over an existing app' -Tag Integration {
    BeforeAll {
        Invoke-AsAccountNative -Command 'echo "<!-- edited by hand -->" >> basic_flask/templates/index.html' | Out-Null
        $script:noForce = Invoke-AsAccount -ScriptBlock {
            New-FlaskApp -Name basic_flask -Message 'Replaced message' -Package @() -SystemSitePackages
        }
        $script:afterNoForce = (Invoke-AsAccountNative -Command 'cat basic_flask/templates/index.html basic_flask/app.py').Text
        $script:withForce = Invoke-AsAccount -ScriptBlock {
            New-FlaskApp -Name basic_flask -Message 'Replaced message' -Package @() -SystemSitePackages -Force
        }
        $script:afterForce = (Invoke-AsAccountNative -Command 'cat basic_flask/templates/index.html basic_flask/app.py').Text
    }
    It 'refuses without -Force, naming the files, and changes nothing' {
        $noForce.ErrorId | Should -Be 'AppFileExists,UberspaceFlask.Commands.NewFlaskAppCommand'
        $noForce.Errors[0].Message | Should -Match 'app\.py'
        $noForce.Errors[0].Message | Should -Match 'index\.html'
        $afterNoForce | Should -Match 'edited by hand'
        $afterNoForce | Should -Not -Match 'Replaced message'
    }
    It 'replaces the files with -Force' {
        $withForce.Errors | Should -BeNullOrEmpty
        $withForce.Output[0].Changed | Should -BeTrue
        $afterForce | Should -Not -Match 'edited by hand'
        $afterForce | Should -Match 'Replaced message'
    }
    It 'the running app picks up the new app.py (touch-reload)' {
        $page = Wait-Page -Path '/' -Pattern 'Replaced message'
        $page.Content | Should -Match '<h1>Replaced message</h1>'
    }
    It 'a second identical run changes nothing' {
        $again = Invoke-AsAccount -ScriptBlock { New-FlaskApp -Name basic_flask -Message 'Replaced message' -Package @() -SystemSitePackages }
        $again.Errors | Should -BeNullOrEmpty
        $again.Output[0].Changed | Should -BeFalse
    }
}

Describe '-WhatIf on the host itself' -Tag Integration {
    It 'lists the changes and makes none' {
        $state = 'find basic_flask etc -printf "%p %T@ %s\n" | sort; supervisorctl status | awk "{print \$1, \$2, \$4}"; uberspace web backend list'
        $before = (Invoke-AsAccountNative -Command $state).Text
        $r = Invoke-AsAccount -ScriptBlock {
            New-FlaskApp -Name basic_flask -Message 'Not now' -Package @() -SystemSitePackages -Force -WhatIf
            New-UwsgiConfig -Path ~/basic_flask -Port 10299 -WhatIf
            Register-SupervisorService -Name flask -AppPath ~/basic_flask -StartSeconds 9 -WhatIf
            Set-WebBackend -Path /elsewhere -Port 10299 -WhatIf
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -BeNullOrEmpty
        $r.Console | Should -Match 'What if: Performing the operation "Overwrite file" on target "local \(isabell\): /home/isabell/basic_flask/app\.py \(\+1 -1 lines'
        $r.Console | Should -Match 'What if: .*uberspace web backend set /elsewhere --http --port 10299'
        (Invoke-AsAccountNative -Command $state).Text | Should -Be $before
    }
}

Describe 'A broken app' -Tag Integration {
    BeforeAll {
        $script:broken = Invoke-AsAccount -ScriptBlock {
            $app = New-FlaskApp -Name broken -Package @() -SystemSitePackages
            # An import error, as when a dependency is missing from the venv.
            Add-Content -Path (Join-Path $app.AppPath 'app.py') -Value 'import module_that_is_not_installed'
            $app | New-UwsgiConfig -Port 10243 | Register-SupervisorService -Name broken -StartSeconds 1 | Set-WebBackend -Path /broken
        }
    }
    It 'makes Register-SupervisorService fail with ServiceFailed' {
        $broken.ErrorId | Should -Be 'ServiceFailed,UberspaceFlask.Commands.RegisterSupervisorServiceCommand'
    }
    It 'carries the traceback from the program''s log in the error' {
        $broken.Errors[0].Message | Should -Match "No module named 'module_that_is_not_installed'"
        $broken.Errors[0].Message | Should -Match 'FATAL|BACKOFF'
    }
    It 'does not go on to set a backend' {
        (Invoke-AsAccountNative -Command 'uberspace web backend list').Text | Should -Not -Match '/broken'
    }
    It 'supervisord goes on retrying the program on its own until it gives up: FATAL' {
        # Register fails at the first BACKOFF; supervisord's startretries are its own business.
        $deadline = (Get-Date).AddSeconds(30)
        do { $st = (Invoke-AsAccountNative -Command 'supervisorctl status broken').Text; Start-Sleep -Milliseconds 300 }
        while ($st -notmatch 'FATAL' -and (Get-Date) -lt $deadline)
        $st | Should -Match '^broken\s+FATAL'
    }
}

Describe 'Tab completion on the host itself' -Tag Integration {
    It 'completes service names from ~/etc/services.d and pythons from PATH' {
        $r = Invoke-AsAccount -ScriptBlock {
            $line = 'Register-SupervisorService -Name '
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText -join ','
            $line = 'New-FlaskApp -Python python3.1'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText -join ','
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Output[0] -split ',' | Should -Contain 'subapp'
        $r.Output[0] -split ',' | Should -Contain 'broken'
        $r.Output[1] -split ',' | Should -Contain 'python3.11'
        $r.Output[1] -split ',' | Should -Not -Contain 'python3.6'
    }
}

Describe 'Bad input as a user would type it' -Tag Integration {
    BeforeAll {
        $script:before = (Invoke-AsAccountNative -Command 'find . -path ./.cache -prune -o -path ./.local -prune -o -print | sort; uberspace web backend list; ls etc/services.d').Text
        $script:outcome = @{}
        $codes = @($badInput | ForEach-Object Code)
        $r = Invoke-AsAccount -Parameters @{ Codes = $codes } -ScriptBlock {
            param($Codes)
            foreach ($c in $Codes) {
                try {
                    & ([scriptblock]::Create($c)) | Out-Null
                    [pscustomobject]@{ Code = $c; Id = '(no error)' }
                } catch {
                    [pscustomobject]@{ Code = $c; Id = $_.FullyQualifiedErrorId }
                }
            }
        }
        foreach ($o in $r.Output) { $outcome[$o.Code] = $o.Id }
        $script:after = (Invoke-AsAccountNative -Command 'find . -path ./.cache -prune -o -path ./.local -prune -o -print | sort; uberspace web backend list; ls etc/services.d').Text
    }
    It '<Code> fails with <Id>' -ForEach $badInput {
        $outcome[$Code] | Should -Be $Id
    }
    It 'leaves nothing behind: the home, the services and the backends are as before' {
        $after | Should -Be $before
        (Invoke-AsAccountNative -Command 'ls pwned 2>&1').Text | Should -Match 'No such file'
    }
}
