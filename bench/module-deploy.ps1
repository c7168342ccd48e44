<#
.SYNOPSIS
    One whole-process run of the module doing the job bench/reference-deploy.sh does: import, open a session, the
    four-cmdlet pipeline, then Test-FlaskDeployment (whose checks include the same HTTP request through the frontend).
    Exits 1 when a check fails. Started by bench/compare.ps1 as a fresh `pwsh` each time.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $KeyFile,
    [Parameter(Mandatory)] [string] $Fingerprint,
    [Parameter(Mandatory)] [string] $FrontendUrl,
    [string] $UserName = 'isabell',
    [string] $Name = 'basic_flask',
    [int] $Port = 10900
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$s = New-UberspaceSession -HostName 127.0.0.1 -Port 12222 -UserName $UserName -KeyFile $KeyFile -HostKeyFingerprint $Fingerprint
$checks = New-FlaskApp -Name $Name -Session $s -Package @() -SystemSitePackages | New-UwsgiConfig -Port $Port |
    Register-SupervisorService -Name $Name | Set-WebBackend -Path / | Test-FlaskDeployment -FrontendUrl $FrontendUrl
Remove-UberspaceSession $s
$failed = @($checks | Where-Object Status -eq 'Failed')
if ($failed) { $failed | ForEach-Object { Write-Host "$($_.Check): $($_.Message)" }; exit 1 }
exit 0
