<#
.SYNOPSIS
    Runs Pester test files against the built module. Called by build.ps1 Test in a fresh pwsh (a loaded binary module
    cannot be unloaded), once per part of the run.
.DESCRIPTION
    With -SummaryPath it writes what it counted and timed there (JSON) for build.ps1 to add up, and prints no closing
    line of its own. Without it, it prints each file's time, the 20 slowest tests and the closing line
    "N passed, N failed".
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    # Test file names (Publish.Tests.ps1, ...); all of tests/ when none are given.
    [string] $Files,
    [string] $Tag,
    [string] $ExcludeTag,
    [string] $SummaryPath
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:UF_MODULE_PATH = (Resolve-Path $ModulePath).Path
$config = New-PesterConfiguration
$config.Run.Path = if ($Files) { @($Files -split ',' | ForEach-Object { Join-Path $PSScriptRoot $_ }) } else { $PSScriptRoot }
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
if ($Tag) { $config.Filter.Tag = $Tag -split ',' }
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag -split ',' }
$result = Invoke-Pester -Configuration $config

$counts = @{}
foreach ($t in $result.Tests | Where-Object Executed) { $f = Split-Path "$($t.ScriptBlock.File)" -Leaf; $counts[$f] = 1 + [int]$counts[$f] }
$summary = [pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount
    Files   = @($result.Containers | ForEach-Object {
            $leaf = Split-Path "$($_.Item)" -Leaf
            [pscustomobject]@{ Name = $leaf; Seconds = $_.Duration.TotalSeconds; Tests = [int]$counts[$leaf] }
        })
    Tests   = @($result.Tests | Where-Object Executed | Sort-Object Duration -Descending | Select-Object -First 20 |
            ForEach-Object { [pscustomobject]@{ Name = $_.ExpandedPath; Seconds = $_.Duration.TotalSeconds } })
}
if ($SummaryPath) {
    $summary | ConvertTo-Json -Depth 4 | Set-Content $SummaryPath
    exit 0
}
Import-Module (Join-Path $PSScriptRoot 'TestSummary.psm1') -Force
Write-TestSummary @($summary)
if ($summary.Failed -gt 0 -or $summary.Passed -eq 0) { exit 1 }
exit 0
