# The same pipeline through an SSH session object: pwsh runs here as root, the host is the sandbox's sshd
# (127.0.0.1:12222, its own host key) and the account isabell behind it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxRunner.psm1') -Force
    $script:sandbox = Join-Path $PSScriptRoot 'sandbox/sandbox.sh'
    & bash $sandbox start | Out-Null
    if ($LASTEXITCODE) { throw "The sandbox did not start (exit $LASTEXITCODE)" }
    Import-Module $env:UF_MODULE_PATH -Force

    $script:work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-remote-" + [guid]::NewGuid().ToString('N')))).FullName
    function New-Key([string] $Name, [string] $Type, [string] $Passphrase = '') {
        $path = Join-Path $work $Name
        & ssh-keygen -q -t $Type -N $Passphrase -C "uf-test-$Name" -f $path
        $path
    }
    function Grant-Key([string] $Key, [string] $User = 'isabell') {
        $auth = "/home/$User/.ssh/authorized_keys"
        Add-Content -Path $auth -Value (Get-Content "$Key.pub")
        & chown "${User}:${User}" $auth
    }
    $script:key = New-Key 'id_ed25519' 'ed25519'
    Grant-Key $key
    $hostPub = (Get-Content (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' '
    $script:hostFingerprint = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
    $script:knownHosts = Join-Path $work 'known_hosts'
    Set-Content $knownHosts "[127.0.0.1]:12222 $($hostPub[0]) $($hostPub[1])"
    $script:target = @{ HostName = '127.0.0.1'; Port = 12222; UserName = 'isabell' }
    function Get-PageText([string] $Path = '/') { (Get-SandboxPage -Path $Path).Content }
}

AfterAll {
    if ($work) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'The guide, piped through a session' -Tag Integration {
    BeforeAll {
        $script:s = New-UberspaceSession @target -KeyFile $key -KnownHostsFile $knownHosts -ErrorAction Stop
        $script:result = New-FlaskApp -Name basic_flask -Session $s -Message 'Hello over SSH' -Package @() -SystemSitePackages |
            New-UwsgiConfig -Port 10261 |
            Register-SupervisorService -Name flask -StartSeconds 1 |
            Set-WebBackend
    }
    AfterAll { if ($s) { Remove-UberspaceSession $s } }

    It 'opens a session that shows host, port, user and the host key fingerprint' {
        $s.HostName | Should -Be '127.0.0.1'
        $s.Port | Should -Be 12222
        $s.UserName | Should -Be 'isabell'
        $s.HostKeyFingerprint | Should -Be $hostFingerprint
        $s.IsConnected | Should -BeTrue
        $s.HomeDirectory | Should -Be '/home/isabell'
        "$s" | Should -Be 'isabell@127.0.0.1:12222'
    }
    It 'serves the page through the frontend' {
        $page = Get-SandboxPage -Path '/'
        $page.StatusCode | Should -Be 200
        $page.Content | Should -Match '<h1>Hello over SSH</h1>'
        (Get-SandboxPage -Path '/static/style.css').Content | Should -Match 'color: blue'
    }
    It 'carries the session downstream: only the first cmdlet names it' {
        $result.Location | Should -Be 'isabell@127.0.0.1:12222'
        $result.Session | Should -Be $s
        $result.StatusKind | Should -Be 'Ok'
    }
    It 'leaves the files owned by the account, with no temporary files behind' {
        $r = Invoke-UberspaceCommand -Session $s -Command 'stat -c "%U %a" basic_flask/app.py basic_flask/uwsgi.ini etc/services.d/flask.ini; find basic_flask etc -name ".*.uf-*" | wc -l'
        $r.Stdout.Trim() -split "`n" | Should -Be @('isabell 644', 'isabell 644', 'isabell 644', '0')
    }
    It 'keeps a file''s mode when it replaces it (SFTP write, chmod, posix-rename)' {
        Invoke-UberspaceCommand -Session $s -Command 'chmod 600 basic_flask/static/style.css && echo "/* mine */" >> basic_flask/static/style.css' | Out-Null
        New-FlaskApp -Name basic_flask -Session $s -Message 'Hello over SSH' -Package @() -SystemSitePackages -Force -ErrorAction Stop | Out-Null
        (Invoke-UberspaceCommand -Session $s -Command 'stat -c %a basic_flask/static/style.css; cat basic_flask/static/style.css').Stdout |
            Should -Match '^600\s+h1 \{\s+color: blue;\s+\}\s*$'
    }
    It 'stops the remote command when the pipeline is stopped (Ctrl+C)' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript({ param($Module, $Session) Import-Module $Module; Invoke-UberspaceCommand -Session $Session -Command 'sleep 130; touch ~/after-ctrl-c' }).
            AddArgument($env:UF_MODULE_PATH).AddArgument($s)
        $async = $ps.BeginInvoke()
        $deadline = (Get-Date).AddSeconds(20)
        while (-not (& pgrep -u isabell -f 'sleep 130') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        (& pgrep -u isabell -f 'sleep 130') | Should -Not -BeNullOrEmpty
        $ps.Stop()   # what Ctrl+C does to the running pipeline
        $async.IsCompleted | Should -BeTrue
        $ps.Dispose()
        Wait-ProcessGone 'sleep 130'
        (& pgrep -u isabell -f 'sleep 130') | Should -BeNullOrEmpty
        Test-Path /home/isabell/after-ctrl-c | Should -BeFalse
        (Invoke-UberspaceCommand -Session $s -Command 'echo usable').Stdout.Trim() | Should -Be 'usable'
    }
    It 'completes -Session with the variables that hold a session' {
        $global:ufTestSession = $s
        try {
            $line = 'Invoke-UberspaceCommand -Session '
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain '$ufTestSession'
            $line = 'Register-SupervisorService -Session $ufTestSession -Name '
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'flask'
            $line = 'New-FlaskApp -Session $ufTestSession -Python '
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'python3.11'
        } finally { Remove-Variable ufTestSession -Scope Global }
    }
    It 'reports progress and every remote command (-Verbose), and honours $ProgressPreference' {
        $run = {
            param([string] $Preference)
            $ps = [powershell]::Create()
            $null = $ps.AddScript({ param($Module, $Session, $Pref) Import-Module $Module; $ProgressPreference = $Pref
                New-FlaskApp -Name "progress_$Pref" -Session $Session -Package @() -SystemSitePackages -Verbose }).
                AddArgument($env:UF_MODULE_PATH).AddArgument($s).AddArgument($Preference)
            $null = $ps.Invoke()
            $ps
        }
        $shown = & $run 'Continue'
        $shown.Streams.Error | Should -BeNullOrEmpty
        $activities = $shown.Streams.Progress | Where-Object Activity -eq 'New-FlaskApp'
        $activities.StatusDescription | Should -Contain 'Creating the virtual environment /home/isabell/progress_Continue/ENV'
        ($activities | Where-Object RecordType -eq 'Completed') | Should -Not -BeNullOrEmpty
        $verbose = $shown.Streams.Verbose.Message
        # Each host script with its arguments; file contents only by their size.
        @($verbose -match '^\[isabell@127\.0\.0\.1:12222\] \$ apps/write\.sh /home/isabell/progress_Continue /home/isabell/progress_Continue/app\.py <\d+ bytes> ').Count | Should -Be 1
        ($verbose | Where-Object { $_ -like '*$ *venv*' }) | Should -Not -BeNullOrEmpty
        $silent = & $run 'SilentlyContinue'
        $silent.Streams.Progress.Count | Should -Be 0
    }
    It 'runs ad-hoc commands with exit status, stdout and stderr' {
        $r = Invoke-UberspaceCommand -Session $s -Command 'echo out; echo err >&2; exit 3' -IgnoreExitStatus
        $r.ExitStatus | Should -Be 3
        $r.Stdout.Trim() | Should -Be 'out'
        $r.Stderr.Trim() | Should -Be 'err'
        $r.Duration | Should -BeOfType [timespan]
    }
    It 'makes a non-zero exit an error record with the stderr in it' {
        { Invoke-UberspaceCommand -Session $s -Command 'echo broken >&2; exit 2' -ErrorAction Stop } |
            Should -Throw -ErrorId 'CommandFailed,UberspaceFlask.Commands.InvokeUberspaceCommandCommand' -ExpectedMessage '*broken*'
    }
    It 'stops the remote command on a timeout instead of leaving it running' {
        { Invoke-UberspaceCommand -Session $s -Command 'sleep 120; touch ~/late' -TimeoutSeconds 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'CommandTimeout,UberspaceFlask.Commands.InvokeUberspaceCommandCommand'
        Wait-ProcessGone 'sleep 120'
        (& pgrep -u isabell -f 'sleep 120') | Should -BeNullOrEmpty
        Test-Path /home/isabell/late | Should -BeFalse
        # and the session is still usable
        (Invoke-UberspaceCommand -Session $s -Command 'echo still here').Stdout.Trim() | Should -Be 'still here'
    }
}

Describe 'Host keys fail closed' -Tag Integration {
    It 'rejects an unknown host key, naming its fingerprint and the fix' {
        $empty = Join-Path $work 'kh-empty'
        $err = { New-UberspaceSession @target -KeyFile $key -KnownHostsFile $empty -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnknownHostKey,UberspaceFlask.Commands.NewUberspaceSessionCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*$hostFingerprint*"
        $err.Exception.Message | Should -BeLike '*-AcceptNewHostKey*'
        Test-Path $empty | Should -BeFalse
    }
    It 'records an unknown key with -AcceptNewHostKey, and trusts it afterwards' {
        $file = Join-Path $work 'kh-accept'
        $s = New-UberspaceSession @target -KeyFile $key -KnownHostsFile $file -AcceptNewHostKey -WarningVariable w -WarningAction SilentlyContinue -ErrorAction Stop
        $s.HostKeyFingerprint | Should -Be $hostFingerprint
        Remove-UberspaceSession $s
        "$w" | Should -BeLike '*Recorded the new host key*'
        Get-Content $file | Should -Be "[127.0.0.1]:12222 $((Get-Content (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -replace ' uberspaceflask-sandbox$', '')"
        $again = New-UberspaceSession @target -KeyFile $key -KnownHostsFile $file -ErrorAction Stop
        $again.IsConnected | Should -BeTrue
        Remove-UberspaceSession $again
    }
    It 'rejects a changed key with both fingerprints, even with -AcceptNewHostKey' {
        $other = New-Key 'other_host_key' 'ed25519'
        $otherPub = (Get-Content "$other.pub") -split ' '
        $otherFp = ((& ssh-keygen -lf "$other.pub") -split ' ')[1]
        $file = Join-Path $work 'kh-changed'
        Set-Content $file "[127.0.0.1]:12222 $($otherPub[0]) $($otherPub[1])"
        $err = { New-UberspaceSession @target -KeyFile $key -KnownHostsFile $file -AcceptNewHostKey -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyMismatch,UberspaceFlask.Commands.NewUberspaceSessionCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*$otherFp*"
        $err.Exception.Message | Should -BeLike "*$hostFingerprint*"
        (Get-Content $file).Count | Should -Be 1
    }
    It 'rejects the real host after sshd gets a new key (sandbox rekey)' {
        $file = Join-Path $work 'kh-rekey'
        Copy-Item $knownHosts $file
        # From here on the sandbox has a new host key; later tests pin whatever key is current.
        $newFp = (& bash $sandbox rekey | Select-Object -Last 1).Trim()
        $newFp | Should -Not -Be $hostFingerprint
        $err = { New-UberspaceSession @target -KeyFile $key -KnownHostsFile $file -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyMismatch,UberspaceFlask.Commands.NewUberspaceSessionCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*$newFp*"
        $err.Exception.Message | Should -BeLike "*$hostFingerprint*"
    }
    It 'reads hashed known_hosts entries (ssh-keygen -H)' {
        $file = Join-Path $work 'kh-hashed'
        $pub = (Get-Content (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' '
        Set-Content $file "[127.0.0.1]:12222 $($pub[0]) $($pub[1])"
        & ssh-keygen -q -H -f $file 2>$null | Out-Null
        (Get-Content $file) | Should -Match '^\|1\|'
        $s = New-UberspaceSession @target -KeyFile $key -KnownHostsFile $file -ErrorAction Stop
        $s.HostKeyFingerprint | Should -Be ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
        Remove-UberspaceSession $s
    }
    It 'honours a pinned fingerprint without known_hosts, and refuses a wrong pin' {
        $current = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
        $s = New-UberspaceSession @target -KeyFile $key -HostKeyFingerprint $current -ErrorAction Stop
        $s.HostKeyFingerprint | Should -Be $current
        Remove-UberspaceSession $s
        $wrong = 'SHA256:' + ('A' * 43)
        { New-UberspaceSession @target -KeyFile $key -HostKeyFingerprint $wrong -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyMismatch,UberspaceFlask.Commands.NewUberspaceSessionCommand'
    }
    It 'shows a host''s key without logging in, as ssh-keygen -l does' {
        $k = Get-UberspaceHostKey -HostName 127.0.0.1 -Port 12222 -ErrorAction Stop
        $k.Fingerprint | Should -Be ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
        $k.KeyType | Should -Be 'ssh-ed25519'
        $k.KnownHostsLine | Should -Match '^\[127\.0\.0\.1\]:12222 ssh-ed25519 AAAA'
    }
}

Describe 'Authentication' -Tag Integration {
    BeforeAll {
        # The rekey test changed the host key: trust the current one by pinning it.
        $script:pin = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
    }
    It 'logs in with a <Type> key' -ForEach @(@{ Type = 'rsa' }, @{ Type = 'ecdsa' }, @{ Type = 'ed25519' }) {
        $k = New-Key "id_$Type-plain" $Type
        Grant-Key $k
        $s = New-UberspaceSession @target -KeyFile $k -HostKeyFingerprint $pin -ErrorAction Stop
        (Invoke-UberspaceCommand -Session $s -Command 'whoami').Stdout.Trim() | Should -Be 'isabell'
        Remove-UberspaceSession $s
    }
    It 'logs in with an encrypted key and its passphrase, and asks for it when missing' {
        $k = New-Key 'id_secret' 'ed25519' 'correct horse battery'
        Grant-Key $k
        { New-UberspaceSession @target -KeyFile $k -HostKeyFingerprint $pin -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeyPassphraseRequired,UberspaceFlask.Commands.NewUberspaceSessionCommand'
        $pass = ConvertTo-SecureString 'correct horse battery' -AsPlainText -Force
        $s = New-UberspaceSession @target -KeyFile $k -KeyPassphrase $pass -HostKeyFingerprint $pin -ErrorAction Stop
        $s.IsConnected | Should -BeTrue
        Remove-UberspaceSession $s
    }
    It 'logs in with a password (-Credential), and fails clearly with a wrong one' {
        & bash -c "echo 'isabell:Sandbox-Pa55' | chpasswd"
        try {
            $cred = [pscredential]::new('isabell', (ConvertTo-SecureString 'Sandbox-Pa55' -AsPlainText -Force))
            $s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -Credential $cred -HostKeyFingerprint $pin -ErrorAction Stop
            (Invoke-UberspaceCommand -Session $s -Command 'whoami').Stdout.Trim() | Should -Be 'isabell'
            # No view of the session shows the password.
            ($s | Format-List * | Out-String) + ($s | Format-Table | Out-String) + "$s" + ($s | ConvertTo-Json -Depth 2 -WarningAction SilentlyContinue) |
                Should -Not -Match 'Sandbox-Pa55'
            Remove-UberspaceSession $s
            $bad = [pscredential]::new('isabell', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
            { New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -Credential $bad -HostKeyFingerprint $pin -ErrorAction Stop } |
                Should -Throw -ErrorId 'AuthenticationFailed,UberspaceFlask.Commands.NewUberspaceSessionCommand'
        } finally {
            & usermod -p '*' isabell
        }
    }
    It 'follows a Host alias from an ssh config file (HostName, Port, User, IdentityFile, UserKnownHostsFile)' {
        $kh = Join-Path $work 'kh-config'
        $pub = (Get-Content (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' '
        Set-Content $kh "[127.0.0.1]:12222 $($pub[0]) $($pub[1])"
        $config = Join-Path $work 'ssh_config'
        Set-Content $config @"
Host other
    HostName 192.0.2.1
Host stardust sandbox-uberspace
    HostName 127.0.0.1
    Port 12222
    User isabell
    IdentityFile $key
    UserKnownHostsFile $kh
Host *
    User nobody
    Port 2222
"@
        $s = New-UberspaceSession -HostName sandbox-uberspace -ConfigFile $config -ErrorAction Stop
        $s.HostName | Should -Be '127.0.0.1'
        $s.Port | Should -Be 12222
        $s.UserName | Should -Be 'isabell'
        (Invoke-UberspaceCommand -Session $s -Command 'whoami').Stdout.Trim() | Should -Be 'isabell'
        Remove-UberspaceSession $s
    }
}

Describe 'Hostile input over SSH' -Tag Integration {
    BeforeAll {
        $script:pin = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
        $script:s = New-UberspaceSession @target -KeyFile $key -HostKeyFingerprint $pin -ErrorAction Stop
        $script:hostileMessage = 'Hi $(touch ~/pwned1) `touch ~/pwned2` ; touch ~/pwned3 '' " \ {{ 7*7 }} {% raw %} </h1><script>x</script>'
    }
    AfterAll { if ($s) { Remove-UberspaceSession $s } }

    It 'writes a hostile message literally and runs none of it' {
        New-FlaskApp -Name hostile -Session $s -Message $hostileMessage -Package @() -SystemSitePackages -ErrorAction Stop |
            New-UwsgiConfig -Port 10262 -MountPath /hostile | Register-SupervisorService -Name hostile -StartSeconds 1 | Set-WebBackend -ErrorAction Stop | Out-Null
        $page = Get-SandboxPage -Path '/hostile/'
        $page.StatusCode | Should -Be 200
        [System.Net.WebUtility]::HtmlDecode(([regex]::Match($page.Content, '<h1>(.*)</h1>', 'Singleline')).Groups[1].Value) | Should -BeExactly $hostileMessage
        (Invoke-UberspaceCommand -Session $s -Command 'ls ~').Stdout | Should -Not -Match 'pwned'
    }
    It 'rejects <Case> before touching the host' -ForEach @(
        @{ Case = 'a name with $()'; Code = { New-FlaskApp -Session $s -Name 'x$(touch ~/pwned4)' -ErrorAction Stop }; Id = 'InvalidAppName' }
        @{ Case = 'a name with a newline'; Code = { New-FlaskApp -Session $s -Name "x`ntouch pwned5" -ErrorAction Stop }; Id = 'InvalidAppName' }
        @{ Case = 'a path with backticks'; Code = { New-FlaskApp -Session $s -Name ok -Path '~/`touch pwned6`' -ErrorAction Stop }; Id = 'InvalidPath' }
        @{ Case = 'a path with ;'; Code = { New-FlaskApp -Session $s -Name ok -Path '~/a;touch pwned7' -ErrorAction Stop }; Id = 'InvalidPath' }
        @{ Case = 'a message with a newline'; Code = { New-FlaskApp -Session $s -Name ok -Message "line`nnext" -ErrorAction Stop }; Id = 'InvalidMessage' }
        @{ Case = 'a service name with quotes'; Code = { Register-SupervisorService -Session $s -Name "a'b" -AppPath '~/hostile' -ErrorAction Stop }; Id = 'InvalidServiceName' }
        @{ Case = 'a pip argument with a newline'; Code = { New-FlaskApp -Session $s -Name ok -PipArgument "--pre`ntouch pwned8" -ErrorAction Stop }; Id = 'InvalidPipArgument' }
    ) {
        { & $Code } | Should -Throw -ErrorId "$Id,*"
        (Invoke-UberspaceCommand -Session $s -Command 'ls -a ~').Stdout | Should -Not -Match 'pwned|^ok$'
    }
}

Describe 'A connection killed in the middle of a deploy' -Tag Integration {
    BeforeAll {
        $script:pin = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
        $s = New-UberspaceSession @target -KeyFile $key -HostKeyFingerprint $pin -ErrorAction Stop
        # Kill isabell's SSH connections as soon as the venv is being created on the host.
        $killer = Start-ThreadJob {
            $deadline = (Get-Date).AddSeconds(60)
            while ((Get-Date) -lt $deadline) {
                if (& pgrep -u isabell -f '^[^ ]*python[^ ]* -m venv --clear') { & pkill -KILL -f '^sshd: isabell'; return 'killed' }
                Start-Sleep -Milliseconds 20
            }
            'never saw the venv step'
        }
        $script:err = $null
        try {
            New-FlaskApp -Name cutoff -Session $s -Package @() -SystemSitePackages -ErrorAction Stop | Out-Null
        } catch { $script:err = $_ }
        $script:killerSaid = $killer | Wait-Job -Timeout 60 | Receive-Job
        Wait-ProcessGone '^[^ ]*python[^ ]* -m venv --clear'   # the host's watcher stops the orphaned command
        $script:sessionAfter = $s
    }
    It 'was really cut off during the venv step' { $killerSaid | Should -Be 'killed' }
    It 'gives a clear error with ErrorId ConnectionLost' {
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'ConnectionLost,UberspaceFlask.Commands.NewFlaskAppCommand'
        $err.Exception.Message | Should -BeLike '*connection*lost*'
    }
    It 'leaves no half-written file and no command running on the host' {
        (& pgrep -u isabell -f '^[^ ]*python[^ ]* -m venv --clear') | Should -BeNullOrEmpty
        Get-ChildItem /home/isabell/cutoff -Recurse -Force -Filter '.*.uf-*.tmp' | Should -BeNullOrEmpty
        Get-Content /home/isabell/cutoff/static/style.css -Raw | Should -Match 'color: blue;\s*\}\s*$'
        Test-Path /home/isabell/cutoff/.ENV.uf-incomplete | Should -BeTrue
    }
    It 'says the session is closed when it is used again' {
        { Invoke-UberspaceCommand -Session $sessionAfter -Command 'true' -ErrorAction Stop } | Should -Throw -ErrorId 'SessionClosed,*'
    }
    It 'completes on a re-run with a new session, remaking the cut-off venv' {
        $s2 = New-UberspaceSession @target -KeyFile $key -HostKeyFingerprint $pin -ErrorAction Stop
        $b = New-FlaskApp -Name cutoff -Session $s2 -Message 'Made it' -Package @() -SystemSitePackages -Force -ErrorAction Stop |
            New-UwsgiConfig -Port 10263 -MountPath /cutoff | Register-SupervisorService -Name cutoff -StartSeconds 1 -ErrorAction Stop | Set-WebBackend -ErrorAction Stop
        $b.StatusKind | Should -Be 'Ok'
        (Get-SandboxPage -Path '/cutoff/').Content | Should -Match 'Made it'
        Test-Path /home/isabell/cutoff/.ENV.uf-incomplete | Should -BeFalse
        Remove-UberspaceSession $s2
    }
}

Describe 'SSH.NET isolation' -Tag Integration {
    It 'works when another SSH.NET (2024.2.0) is already loaded in the same PowerShell' {
        Test-Path $env:UF_OLD_SSHNET | Should -BeTrue
        $pin = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
        $script = @"
Add-Type -Path '$($env:UF_OLD_SSHNET)'
Import-Module '$($env:UF_MODULE_PATH)'
`$s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -KeyFile '$key' -HostKeyFingerprint '$pin' -ErrorAction Stop
(Invoke-UberspaceCommand -Session `$s -Command 'echo isolated').Stdout.Trim()
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Renci.SshNet' } | ForEach-Object { `$_.GetName().Version.ToString(3) } | Sort-Object
"@
        $file = Join-Path $work 'isolation.ps1'
        Set-Content $file $script
        $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $file 2>&1
        $out | Should -Be @('isolated', '2024.2.0', '2026.0.0')
    }
}
