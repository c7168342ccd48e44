<#
.SYNOPSIS
    The main job: deploys the Uberspace Lab guide's Flask app into the sandbox with the four cmdlets piped,
    as the sandbox account 'isabell' would on her host, then fetches the page through the frontend.
    Called by build.ps1 Demo (which builds the module and starts the sandbox first).
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../SandboxRunner.psm1') -Force
Initialize-SandboxRunner -ModulePath $ModulePath

Write-Host "Deploying basic_flask as isabell (the guide's steps, piped):" -ForegroundColor Cyan
$pipeline = {
    # PyPI is not reachable from the sandbox: the venv uses Debian's Flask, and uWSGI is Debian's with its python3 plugin.
    New-FlaskApp -Name basic_flask -Package @() -SystemSitePackages |
        New-UwsgiConfig -Port 1024 |
        Register-SupervisorService -Name flask -StartSeconds 3 |
        Set-WebBackend -Path /
}
Write-Host ($pipeline.ToString().Trim() -replace '(?m)^\s+', '    ')
$r = Invoke-AsAccount -User isabell -ScriptBlock $pipeline
if ($r.Errors) {
    $r.Errors | ForEach-Object { Write-Host "$($_.FullyQualifiedErrorId): $($_.Message)" -ForegroundColor Red }
    exit 1
}
$r.Warnings | ForEach-Object { Write-Warning $_ }
$r.Output | Format-List Target, Kind, Port, Status | Out-String | Write-Host

$page = Get-SandboxPage -User isabell -Path '/'
$css = Get-SandboxPage -User isabell -Path '/static/style.css'
Write-Host "Served at $($page.Url) (HTTP $($page.StatusCode)):" -ForegroundColor Cyan
Write-Host $page.Content
Write-Host "$($css.Url) (HTTP $($css.StatusCode)):" -ForegroundColor Cyan
Write-Host $css.Content
if ($page.StatusCode -ne 200 -or $page.Content -notmatch 'Hello from basic_flask') { Write-Host 'The page is not served as expected.' -ForegroundColor Red; exit 1 }

Write-Host 'Every link of the chain, checked by Test-FlaskDeployment:' -ForegroundColor Cyan
$front = Get-SandboxFrontendUrl -User isabell
$checks = Invoke-AsAccount -User isabell -Parameters @{ Front = $front } -ScriptBlock { param($Front) Test-FlaskDeployment -Name basic_flask -FrontendUrl $Front }
$checks.Output | Format-Table Check, Status, Message -AutoSize -Wrap | Out-String -Width 140 | Write-Host
if ($checks.Errors -or ($checks.Output | Where-Object Status -ne 'Passed')) { Write-Host 'Test-FlaskDeployment found a problem.' -ForegroundColor Red; exit 1 }
Write-Host "Done: basic_flask is served at $($page.Url)" -ForegroundColor Green
exit 0
