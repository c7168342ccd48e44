<#
.SYNOPSIS
    Runs the Pester suite against the built module and prints the closing line "N passed, N failed".
    Called by build.ps1 Test in a fresh pwsh (a loaded binary module cannot be unloaded).
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $Tag,
    [string] $ExcludeTag
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:UF_MODULE_PATH = (Resolve-Path $ModulePath).Path
$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
if ($Tag) { $config.Filter.Tag = $Tag -split ',' }
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag -split ',' }
$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
# Where the time went: each file (its setup included), then the slowest tests.
Write-Host ''
Write-Host 'Time per test file:'
$counts = @{}
foreach ($t in $result.Tests | Where-Object Executed) { $f = Split-Path "$($t.ScriptBlock.File)" -Leaf; $counts[$f] = 1 + [int]$counts[$f] }
$sum = 0.0
foreach ($c in $result.Containers | Sort-Object Duration -Descending) {
    $leaf = Split-Path "$($c.Item)" -Leaf
    $sum += $c.Duration.TotalSeconds
    Write-Host ('{0,8:N1} s  {1}  ({2} tests run)' -f $c.Duration.TotalSeconds, $leaf, [int]$counts[$leaf])
}
Write-Host ('{0,8:N1} s  all files' -f $sum)
Write-Host 'The 20 slowest tests:'
foreach ($t in $result.Tests | Where-Object Executed | Sort-Object Duration -Descending | Select-Object -First 20) {
    Write-Host ('{0,8:N1} s  {1}' -f $t.Duration.TotalSeconds, $t.ExpandedPath)
}
Write-Host ''
Write-Host "$($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
if ($failed -gt 0 -or $result.PassedCount -eq 0) { exit 1 }
exit 0
