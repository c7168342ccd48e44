# Runs PowerShell as a sandbox account, the way a user logged in on an Uberspace host runs it.
# Used by the tests and the demo; needs root (runuser) and a started sandbox.
Set-StrictMode -Version Latest

$script:SandboxRoot = if ($env:UF_SANDBOX_ROOT) { $env:UF_SANDBOX_ROOT } else { '/var/lib/uberspaceflask-sandbox' }
$script:FrontendBase = if ($env:UF_SANDBOX_FRONTEND_BASE) { [int]$env:UF_SANDBOX_FRONTEND_BASE } else { 18080 }
$script:ModuleCopy = $null

# The account a test file works as: isabell, or UF_SANDBOX_USER when the runner gives a file an account of its own
# (the fault suite runs beside the other files, as another account).
$script:DefaultUser = if ($env:UF_SANDBOX_USER) { $env:UF_SANDBOX_USER } else { 'isabell' }

function Get-SandboxRoot { $script:SandboxRoot }
function Get-SandboxUser { $script:DefaultUser }
function Get-SandboxHome { param([string] $User = $script:DefaultUser) (& getent passwd $User).Split(':')[5] }

function Reset-SandboxAccount {
    <# A fresh home and fresh services for the account, sshd and the other accounts left running (a full start the
       first time). #>
    param([string] $User = $script:DefaultUser)
    & bash (Join-Path $PSScriptRoot 'sandbox/sandbox.sh') reset $User | Out-Null
    if ($LASTEXITCODE) { throw "The sandbox account $User could not be reset (exit $LASTEXITCODE)" }
}

function Get-SandboxFrontendUrl {
    param([string] $User = $script:DefaultUser)
    $port = Get-Content (Join-Path $script:SandboxRoot "accounts/$User/frontend.port") -ErrorAction Stop
    "http://127.0.0.1:$port"
}

function Initialize-SandboxRunner {
    <# Copies pwsh and the built module where the sandbox accounts can read them (a clone may live under a 0700 directory). #>
    param([Parameter(Mandatory)] [string] $ModulePath)
    $pwshDll = Join-Path ([System.AppContext]::BaseDirectory) 'pwsh.dll'
    $target = Join-Path $script:SandboxRoot 'pwsh'
    $stamp = Join-Path $target '.source'
    $source = [System.AppContext]::BaseDirectory
    if (-not (Test-Path $pwshDll)) { throw "Cannot find pwsh.dll next to the running PowerShell ($source)." }
    if (-not (Test-Path $stamp) -or (Get-Content $stamp) -ne $source) {
        if (Test-Path $target) { Remove-Item $target -Recurse -Force }
        Copy-Item $source $target -Recurse
        Set-Content $stamp $source
    }
    $moduleDir = Split-Path $ModulePath -Parent
    $copy = Join-Path $script:SandboxRoot 'module/UberspaceFlask'
    if (Test-Path $copy) { Remove-Item $copy -Recurse -Force }
    New-Item -ItemType Directory (Split-Path $copy -Parent) -Force | Out-Null
    Copy-Item $moduleDir $copy -Recurse
    & chmod -R a+rX (Join-Path $script:SandboxRoot 'pwsh') (Join-Path $script:SandboxRoot 'module')
    $script:ModuleCopy = Join-Path $copy 'UberspaceFlask.psd1'
}

function Invoke-AsAccount {
    <#
    .SYNOPSIS
        Runs a script block in a fresh pwsh as a sandbox account with UberspaceFlask imported.
        Returns Output (deserialized objects), Errors (FullyQualifiedErrorId, Message, ...), Warnings, Verbose.
        The first error stops the script ($ErrorActionPreference = 'Stop'), as in a deploy script.
    #>
    param(
        [string] $User = $script:DefaultUser,
        [Parameter(Mandatory)] [scriptblock] $ScriptBlock,
        [hashtable] $Parameters = @{},
        [switch] $NoModule
    )
    if (-not $script:ModuleCopy) { throw 'Call Initialize-SandboxRunner first.' }
    $run = Join-Path $script:SandboxRoot ("runs/" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $run -Force | Out-Null
    $in = Join-Path $run 'in.xml'; $out = Join-Path $run 'out.xml'; $script = Join-Path $run 'run.ps1'
    $Parameters | Export-Clixml -Path $in
    $import = if ($NoModule) { '' } else { "Import-Module '$($script:ModuleCopy)'" }
    $code = $ScriptBlock.ToString()
    Set-Content -Path $script -Value @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
$import
`$params = Import-Clixml '$in'
`$result = [ordered]@{ Output = [System.Collections.Generic.List[object]]::new(); Errors = [System.Collections.Generic.List[object]]::new(); Warnings = [System.Collections.Generic.List[string]]::new(); Verbose = [System.Collections.Generic.List[string]]::new() }
try {
    `$sb = [scriptblock]::Create(@'
$code
'@)
    & `$sb @params 3>&1 4>&1 | ForEach-Object {
        if (`$_ -is [System.Management.Automation.WarningRecord]) { `$result.Warnings.Add(`$_.Message) }
        elseif (`$_ -is [System.Management.Automation.VerboseRecord]) { `$result.Verbose.Add(`$_.Message) }
        else { `$result.Output.Add(`$_) }
    }
} catch {
    `$result.Errors.Add([pscustomobject]@{
        FullyQualifiedErrorId = `$_.FullyQualifiedErrorId
        Message = `$_.Exception.Message
        Category = `$_.CategoryInfo.Category.ToString()
        TargetObject = "`$(`$_.TargetObject)"
        InnerMessage = if (`$_.Exception.InnerException) { `$_.Exception.InnerException.Message } else { `$null }
    })
}
[pscustomobject]`$result | Export-Clixml -Path '$out' -Depth 4
"@
    & chown -R "${User}:${User}" $run
    $accountHome = (& getent passwd $User).Split(':')[5]
    $stdout = & runuser -u $User -- env -i "HOME=$accountHome" "USER=$User" "LOGNAME=$User" SHELL=/bin/bash `
        "PATH=$accountHome/bin:/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 DOTNET_CLI_TELEMETRY_OPTOUT=1 POWERSHELL_TELEMETRY_OPTOUT=1 `
        /usr/bin/dotnet (Join-Path $script:SandboxRoot 'pwsh/pwsh.dll') -NoProfile -NonInteractive -File $script 2>&1
    $exit = $LASTEXITCODE
    if (-not (Test-Path $out)) {
        throw "The script did not complete as $User (exit $exit): $($stdout -join "`n")"
    }
    $r = Import-Clixml $out
    Remove-Item $run -Recurse -Force
    [pscustomobject]@{
        Output   = @($r.Output)
        Errors   = @($r.Errors)
        ErrorId  = @($r.Errors | ForEach-Object FullyQualifiedErrorId) | Select-Object -First 1
        Warnings = @($r.Warnings)
        Verbose  = @($r.Verbose)
        Console  = ($stdout -join "`n")
    }
}

function Invoke-AsAccountNative {
    <# Runs a plain shell command as the account (to look at or change its home the way a user would). #>
    param([string] $User = $script:DefaultUser, [Parameter(Mandatory)] [string] $Command)
    $accountHome = (& getent passwd $User).Split(':')[5]
    $text = & runuser -u $User -- env -i "HOME=$accountHome" "USER=$User" "LOGNAME=$User" "PATH=$accountHome/bin:/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 /bin/sh -c "cd; $Command" 2>&1
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($text -join "`n") }
}

function Get-SandboxPage {
    <# GET through the account's frontend; returns status code and body, never throws on HTTP errors. #>
    param([string] $User = $script:DefaultUser, [string] $Path = '/', [string] $HostHeader)
    $url = (Get-SandboxFrontendUrl -User $User) + $Path
    $headers = @{}
    if ($HostHeader) { $headers.Host = $HostHeader }
    $r = Invoke-WebRequest -Uri $url -Headers $headers -SkipHttpErrorCheck -TimeoutSec 10 -MaximumRedirection 0
    [pscustomobject]@{ StatusCode = [int]$r.StatusCode; Content = [string]$r.Content; Url = $url }
}

function Wait-ProcessGone {
    <# Until no process of the account matches Pattern (pgrep -f), at most TimeoutSeconds: a poll where a test waits for
       the host to stop something, instead of a fixed sleep. The caller asserts afterwards. #>
    param([Parameter(Mandatory)] [string] $Pattern, [string] $User = $script:DefaultUser, [int] $TimeoutSeconds = 10)
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while ((& pgrep -u $User -f $Pattern) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
}

Export-ModuleMember -Function Get-SandboxRoot, Get-SandboxFrontendUrl, Initialize-SandboxRunner, Invoke-AsAccount, Invoke-AsAccountNative, Get-SandboxPage, Wait-ProcessGone, Get-SandboxUser, Get-SandboxHome, Reset-SandboxAccount
