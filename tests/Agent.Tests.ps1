# Keys where users keep them: a real ssh-agent from openssh-client, started here, with keys added by ssh-add; and
# ssh_config as OpenSSH reads it (Include, IdentityAgent, IdentitiesOnly). The sandbox sshd allows 3 tries.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SandboxRunner.psm1') -Force
    Reset-SandboxAccount
    $script:work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-agent-" + [guid]::NewGuid().ToString('N')))).FullName
    $script:pin = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1]
    $script:keys = Join-Path $work 'keys'
    New-Item -ItemType Directory $keys | Out-Null
    foreach ($k in @(@{ n = 'ed25519'; t = 'ed25519' }, @{ n = 'ecdsa'; t = 'ecdsa' }, @{ n = 'rsa'; t = 'rsa' })) {
        & ssh-keygen -q -t $k.t -N '' -C "uf-$($k.n)" -f (Join-Path $keys $k.n)
    }
    # The key ssh_config names: encrypted on disk, so only the agent can use it without the passphrase.
    & ssh-keygen -q -t ed25519 -N 'correct horse' -C 'uf-named' -f (Join-Path $keys 'named')
    foreach ($i in 1..5) { & ssh-keygen -q -t ed25519 -N '' -C "uf-other$i" -f (Join-Path $keys "other$i") }
    foreach ($n in 'ed25519', 'ecdsa', 'rsa', 'named') { Add-Content /home/isabell/.ssh/authorized_keys (Get-Content (Join-Path $keys "$n.pub")) }
    $script:askpass = Join-Path $work 'askpass.sh'
    Set-Content $askpass "#!/bin/sh`necho 'correct horse'`n"
    & chmod 700 $askpass
    $script:refuse = Join-Path $work 'refuse.sh'
    Set-Content $refuse "#!/bin/sh`nexit 1`n"
    & chmod 700 $refuse

    function Start-Agent([string[]] $Names, [switch] $Confirm) {
        $sock = Join-Path $work ("agent-" + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.sock')
        # With -Confirm the agent asks an askpass program that says no (without one, an empty answer counts as yes).
        $out = if ($Confirm) { & env "SSH_ASKPASS=$refuse" SSH_ASKPASS_REQUIRE=force DISPLAY=none ssh-agent -a $sock -s } else { & ssh-agent -a $sock -s }
        $agentPid = [regex]::Match(($out -join "`n"), 'SSH_AGENT_PID=(\d+)').Groups[1].Value
        foreach ($n in $Names) {
            [string[]] $confirmFlag = @(if ($Confirm) { '-c' })
            & env "SSH_AUTH_SOCK=$sock" "SSH_ASKPASS=$askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none ssh-add -q @confirmFlag (Join-Path $keys $n) 2>&1 | Out-Null
        }
        $script:agents += , $agentPid
        $sock
    }
    $script:agents = @()
    # A fresh home per call (no ~/.ssh keys of root's), the agent socket, and the script run in a fresh pwsh.
    function Invoke-Client([string] $Script, [string] $Sock = '', [string] $SshConfig = $null, [hashtable] $Files = @{}) {
        $h = Join-Path $work ("home-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $h | Out-Null
        if ($SshConfig -or $Files.Count) {
            New-Item -ItemType Directory (Join-Path $h '.ssh') -Force | Out-Null
            if ($SshConfig) { Set-Content (Join-Path $h '.ssh/config') $SshConfig }
            foreach ($f in $Files.Keys) { $p = Join-Path $h ".ssh/$f"; New-Item -ItemType Directory (Split-Path $p) -Force | Out-Null; Set-Content $p $Files[$f] }
        }
        $code = "`$ErrorActionPreference = 'Stop'; Import-Module '$($env:UF_MODULE_PATH)'; try { $Script } catch { 'ERROR ' + `$_.FullyQualifiedErrorId; 'MESSAGE ' + `$_.Exception.Message }"
        $out = & env "HOME=$h" "SSH_AUTH_SOCK=$Sock" dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $code 2>&1
        [pscustomobject]@{ Home = $h; Lines = @($out | ForEach-Object { "$_" }) }
    }
    function Get-Sha256([string] $Name) { ((& ssh-keygen -lf (Join-Path $keys "$Name.pub")) -split ' ')[1] }
    $script:connect = "`$s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -HostKeyFingerprint '$pin'; 'AUTH ' + `$s.AuthenticatedWith; 'WHO ' + (Invoke-UberspaceCommand -Session `$s -Command 'id -un').Stdout.Trim()"
}
AfterAll {
    foreach ($p in $agents) { if ($p) { & kill $p 2>$null } }
    if ($work) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Logging in through the SSH agent' -Tag Integration {
    It 'a <Name> key in the agent logs in; the session names the key by its fingerprint' -ForEach @(
        @{ Name = 'ed25519'; Label = 'ED25519' }, @{ Name = 'ecdsa'; Label = 'ECDSA' }, @{ Name = 'rsa'; Label = 'RSA' }
    ) {
        $r = Invoke-Client $connect -Sock (Start-Agent @($Name))
        $r.Lines | Should -Contain 'WHO isabell'
        $r.Lines | Should -Contain "AUTH agent key $Label $(Get-Sha256 $Name) (uf-$Name)"
    }
    It 'an agent that refuses to sign (a key added with -c, nobody to confirm): AgentSignFailed' {
        $r = Invoke-Client $connect -Sock (Start-Agent @('ed25519') -Confirm)
        $r.Lines | Should -Contain 'ERROR AgentSignFailed,UberspaceFlask.Commands.NewUberspaceSessionCommand'
    }
    It 'a key that is encrypted on disk: the agent signs, the module never needs the passphrase' {
        $r = Invoke-Client $connect -Sock (Start-Agent @('named'))
        $r.Lines | Should -Contain 'WHO isabell'
        $r.Lines | Should -Contain "AUTH agent key ED25519 $(Get-Sha256 'named') (uf-named)"
    }
}

Describe 'ssh_config as OpenSSH reads it' -Tag Integration {
    BeforeAll {
        # Five keys the host does not know come first in the agent; the server allows 3 tries.
        $script:crowded = Start-Agent @('other1', 'other2', 'other3', 'other4', 'other5', 'named')
        $script:named = Join-Path $keys 'named'
    }
    It 'without a hint, five unknown agent keys use up the server''s tries (the reason for what follows)' {
        $r = Invoke-Client $connect -Sock $crowded
        $r.Lines | Should -Contain 'ERROR AuthenticationFailed,UberspaceFlask.Commands.NewUberspaceSessionCommand'
        ($r.Lines -match '^MESSAGE ') | Should -Match 'IdentitiesOnly'
    }
    It 'IdentitiesOnly with IdentityFile offers only that key from the agent, and it logs in' {
        $config = "Host ufhost`n  HostName 127.0.0.1`n  Port 12222`n  User isabell`n  IdentityFile $named`n  IdentitiesOnly yes`n"
        $r = Invoke-Client "`$s = New-UberspaceSession -HostName ufhost -HostKeyFingerprint '$pin'; 'AUTH ' + `$s.AuthenticatedWith" -Sock $crowded -SshConfig $config
        $r.Lines | Should -Contain "AUTH agent key ED25519 $(Get-Sha256 'named') (uf-named)"
    }
    It 'a Host alias defined only in an Included file (a glob, relative to ~/.ssh) connects' {
        $r = Invoke-Client "`$s = New-UberspaceSession -HostName ufincluded -HostKeyFingerprint '$pin'; 'WHO ' + (Invoke-UberspaceCommand -Session `$s -Command 'id -un').Stdout.Trim()" `
            -Sock $crowded -SshConfig "Include conf.d/*.conf`n`nHost *`n  Port 2222`n" `
            -Files @{ 'conf.d/50-uf.conf' = "Host ufincluded`n  HostName 127.0.0.1`n  Port 12222`n  User isabell`n  IdentityFile $named`n  IdentitiesOnly yes`n" }
        $r.Lines | Should -Contain 'WHO isabell'
    }
    It 'IdentityAgent none: no agent is asked, and the error says so' {
        $config = "Host ufhost`n  HostName 127.0.0.1`n  Port 12222`n  User isabell`n  IdentityAgent none`n"
        $r = Invoke-Client "`$s = New-UberspaceSession -HostName ufhost -HostKeyFingerprint '$pin'" -Sock $crowded -SshConfig $config
        $r.Lines | Should -Contain 'ERROR NoCredentials,UberspaceFlask.Commands.NewUberspaceSessionCommand'
        ($r.Lines -match '^MESSAGE ') | Should -Match 'no agent'
    }
    It 'an agent socket that does not answer: AgentUnreachable, naming the socket' {
        $r = Invoke-Client $connect -Sock (Join-Path $work 'no-agent-here.sock')
        $r.Lines | Should -Contain 'ERROR AgentUnreachable,UberspaceFlask.Commands.NewUberspaceSessionCommand'
        ($r.Lines -match '^MESSAGE ') | Should -Match 'no-agent-here\.sock'
    }
    It 'an agent with no key the config allows: NoUsableKey, naming what was tried' {
        $config = "Host ufhost`n  HostName 127.0.0.1`n  Port 12222`n  User isabell`n  IdentityFile $(Join-Path $keys 'ed25519')`n  IdentitiesOnly yes`n"
        $r = Invoke-Client "`$s = New-UberspaceSession -HostName ufhost -HostKeyFingerprint '$pin'" -Sock (Start-Agent @('other1')) -SshConfig $config
        # The named file itself is a usable key: it logs in with it, not with the agent's.
        ($r.Lines -match '^ERROR ') | Should -BeNullOrEmpty
        $r2 = Invoke-Client "`$s = New-UberspaceSession -HostName ufhost -HostKeyFingerprint '$pin'" -Sock (Start-Agent @('other1')) `
            -SshConfig "Host ufhost`n  HostName 127.0.0.1`n  Port 12222`n  User isabell`n  IdentityFile ~/.ssh/absent`n  IdentitiesOnly yes`n"
        $r2.Lines | Should -Contain 'ERROR NoUsableKey,UberspaceFlask.Commands.NewUberspaceSessionCommand'
        ($r2.Lines -match '^MESSAGE ') | Should -Match 'agent at .*\(1 key\(s\), 0 named by IdentityFile'
    }
    It 'a known_hosts the module creates is 0600 in a 0700 ~/.ssh' {
        $r = Invoke-Client "`$s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell -AcceptNewHostKey -WarningAction SilentlyContinue; 'AUTH ' + `$s.AuthenticatedWith" -Sock (Start-Agent @('ed25519'))
        $r.Lines | Should -Contain "AUTH agent key ED25519 $(Get-Sha256 'ed25519') (uf-ed25519)"
        (& stat -c '%a' (Join-Path $r.Home '.ssh')) | Should -Be '700'
        (& stat -c '%a' (Join-Path $r.Home '.ssh/known_hosts')) | Should -Be '600'
    }
    It 'UserKnownHostsFile with two files and known_hosts2: a key in the second file is known' {
        $line = "[127.0.0.1]:12222 " + (((Get-Content (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[0..1] -join ' ')
        $r = Invoke-Client "`$s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName isabell; 'WHO ' + (Invoke-UberspaceCommand -Session `$s -Command 'id -un').Stdout.Trim()" `
            -Sock (Start-Agent @('ed25519')) -Files @{ 'known_hosts2' = $line }
        $r.Lines | Should -Contain 'WHO isabell'
        $r2 = Invoke-Client "`$s = New-UberspaceSession -HostName ufk -UserName isabell; 'WHO ' + (Invoke-UberspaceCommand -Session `$s -Command 'id -un').Stdout.Trim()" `
            -Sock (Start-Agent @('ed25519')) -SshConfig "Host ufk`n  HostName 127.0.0.1`n  Port 12222`n  UserKnownHostsFile ~/.ssh/first ~/.ssh/second`n" -Files @{ 'first' = ''; 'second' = $line }
        $r2.Lines | Should -Contain 'WHO isabell'
    }
}
