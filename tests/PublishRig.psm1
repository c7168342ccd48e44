# What the publish tests share: a request loop through the frontend, the wait for a publish's detached cleanup, the
# link simulator, and what a host looks like after a publish converged. Import after SandboxRunner.psm1.

function Initialize-PublishTest {
    <# Starts the sandbox, makes a work folder (Prefix and a GUID) and a key that logs in to isabell; returns Work,
       Key and Pin (the sandbox sshd's host-key fingerprint). #>
    param([Parameter(Mandatory)] [string] $Prefix)
    Reset-SandboxAccount
    $work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ($Prefix + [guid]::NewGuid().ToString('N')))).FullName
    $key = Join-Path $work 'id_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -f $key
    $user = Get-SandboxUser; $userHome = Get-SandboxHome
    Add-Content "$userHome/.ssh/authorized_keys" (Get-Content "$key.pub")
    & chown "${user}:${user}" "$userHome/.ssh/authorized_keys"
    [pscustomobject]@{ Work = $work; Key = $key; Pin = ((& ssh-keygen -lf (Join-Path (Get-SandboxRoot) 'sshd/ssh_host_ed25519_key.pub')) -split ' ')[1] }
}

function Start-RequestLoop {
    <# Requests URL every 20 ms (curl, its own process) until Stop-RequestLoop; returns a handle. #>
    param([Parameter(Mandatory)] [string] $Url, [Parameter(Mandatory)] [string] $WorkDir)
    $codes = Join-Path $WorkDir ("codes-" + [guid]::NewGuid().ToString('N')); $stop = "$codes.stop"
    $loopScript = "$codes.sh"
    Set-Content $loopScript "while [ ! -e '$stop' ]; do curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 '$Url' >> '$codes'; sleep 0.02; done"
    $p = Start-Process bash -PassThru -ArgumentList $loopScript
    $loop = [pscustomobject]@{ Process = $p; Codes = $codes; Stop = $stop }
    # Running once it has its first answer: what the test does next is then seen from before it began.
    Wait-LoopCodes $loop 1
    $loop
}

function Wait-LoopCodes($Loop, [int] $Count) {
    <# Until the loop has written at least Count codes (10 s at most). #>
    $deadline = (Get-Date).AddSeconds(10)
    while ((Get-Date) -lt $deadline) {
        if ((Test-Path $Loop.Codes) -and @(Get-Content $Loop.Codes).Count -ge $Count) { return }
        Start-Sleep -Milliseconds 10
    }
}

function Stop-RequestLoop {
    <# Stops the loop and returns every status code it saw, in order. #>
    param([Parameter(Mandatory)] $Loop)
    # A few answers more after what the test did, so that its end is seen too.
    $seen = if (Test-Path $Loop.Codes) { @(Get-Content $Loop.Codes).Count } else { 0 }
    Wait-LoopCodes $Loop ($seen + 3)
    New-Item $Loop.Stop | Out-Null
    $Loop.Process.WaitForExit(10000) | Out-Null
    @(Get-Content $Loop.Codes)
}

function Wait-Cleanup {
    <# The cleanup after a publish (old slot stopped after the grace period, pruning) runs on after Publish-FlaskApp
       returns and holds the lock meanwhile: tests that look at the old slot or the lock wait for it first. #>
    param([string] $App = 'shop', [int] $TimeoutSeconds = 30)
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    $lock = "$(Get-SandboxHome)/apps/$App/lock/cleanup"
    while ((Test-Path $lock) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
}

function Start-LinkSimulator {
    <# The project's link simulator (tools/linksim.py) on ListenPort in front of TargetPort: one-way delay and a rate
       cap each way. Returns its process once the port is bound (it writes a ready file), so no sleep stands in. #>
    param([Parameter(Mandatory)] [int] $ListenPort, [int] $TargetPort = 12222, [double] $DelayMs = 25, [double] $UpMbit = 20, [double] $DownMbit = 50)
    $script = Join-Path $PSScriptRoot '../tools/linksim.py'
    $ready = Join-Path ([IO.Path]::GetTempPath()) ("uf-linksim-" + [guid]::NewGuid().ToString('N'))
    $p = Start-Process python3 -PassThru -ArgumentList $script, $ListenPort, $TargetPort, '--delay-ms', $DelayMs, '--up-mbit', $UpMbit, '--down-mbit', $DownMbit, '--ready-file', $ready
    $deadline = (Get-Date).AddSeconds(10)
    while (-not (Test-Path $ready)) {
        if ($p.HasExited -or (Get-Date) -gt $deadline) { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue; throw "The link simulator did not listen on port $ListenPort." }
        Start-Sleep -Milliseconds 20
    }
    Remove-Item $ready
    $p
}

function Wait-HostEvent {
    <# Polls the condition (a script block looking at the host) until it returns something; throws after the timeout. #>
    param([Parameter(Mandatory)] [scriptblock] $Condition, [int] $TimeoutSeconds = 60, [string] $What = 'the moment')
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while ((Get-Date) -lt $deadline) {
        $seen = & $Condition
        if ($seen) { return $seen }
        Start-Sleep -Milliseconds 5
    }
    throw "Timed out waiting for $What."
}

function Get-PublishedApp {
    <# What a user would check after a publish settled: the slots' states, the backend's port for the app's path, the
       state file's live slot and port, the lock and the staging directory. #>
    param([Parameter(Mandatory)] [string] $App, [Parameter(Mandatory)] [string] $WebPath)
    $root = "$(Get-SandboxHome)/apps/$App"
    $status = (Invoke-AsAccountNative -Command "supervisorctl status $App-a $App-b").Text
    $state = if (Test-Path "$root/state") { Get-Content "$root/state" -Raw | ConvertFrom-StringData } else { @{} }
    $livePort = if ($state.slot -eq 'a') { $state.port } elseif ($state.slot -eq 'b') { $state.'alternate-port' }
    $backend = (Invoke-AsAccountNative -Command 'uberspace web backend list').Text -split "`n" |
        Where-Object { $_ -match "^$([regex]::Escape($WebPath))\s+http:(\d+)" } | ForEach-Object { $Matches[1] } | Select-Object -First 1
    [pscustomobject]@{
        Running      = @($status -split "`n" | Where-Object { $_ -match '\s(RUNNING|STARTING)\s' } | ForEach-Object { ($_ -split '\s+')[0] })
        Slot         = $state.slot
        LivePort     = $livePort
        BackendPort  = $backend
        Current      = $state.current
        LockHeld     = Test-Path "$root/lock"
        StagingItems = @(Get-ChildItem "$root/staging" -Force -ErrorAction SilentlyContinue).Count
    }
}

Export-ModuleMember -Function Initialize-PublishTest, Start-RequestLoop, Stop-RequestLoop, Wait-Cleanup, Start-LinkSimulator, Wait-HostEvent, Get-PublishedApp
