#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and demonstrates UberspaceFlask.
.DESCRIPTION
    Tasks:
      Build    out/UberspaceFlask/UberspaceFlask.psd1 with its dependencies (the importable module).
      Test     Build, start the sandbox (needs root, Debian packages), run all Pester tests.
               -Tag/-ExcludeTag pick tests; the last line is "N passed, N failed".
      Demo     Build, start the sandbox, deploy the seed's app with the four cmdlets piped, fetch the page.
      Package  Build, then out/packages/UberspaceFlask.<version>.nupkg (Compress-PSResource), for any PSResource repository.
      Sandbox  Start the sandbox only (tests/sandbox/sandbox.sh start).
      Clean    Remove out/.
    Run with the pinned PowerShell: dotnet tool restore; dotnet pwsh ./build.ps1 <Task>
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Sandbox', 'Clean')]
    [string[]] $Task = 'Build',
    [string] $Configuration = 'Release',
    [string[]] $Tag,
    [string[]] $ExcludeTag
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$out = Join-Path $root 'out/UberspaceFlask'

function Invoke-Native {
    param([string] $What, [scriptblock] $Command)
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE" }
}

function Invoke-Pwsh {
    # A fresh process of the PowerShell running this script; as a dotnet tool that is `dotnet pwsh.dll`.
    $dll = Join-Path $PSHOME 'pwsh.dll'
    if (Test-Path $dll) { & dotnet $dll @args } else { & (Join-Path $PSHOME 'pwsh') @args }
}

function Get-ModuleVersion {
    (Import-PowerShellDataFile (Join-Path $root 'UberspaceFlask.psd1')).ModuleVersion
}

function Invoke-Build {
    $version = Get-ModuleVersion
    $publish = Join-Path $root 'out/publish'
    Invoke-Native 'dotnet publish' {
        dotnet publish (Join-Path $root 'src/UberspaceFlask/UberspaceFlask.csproj') -c $Configuration -o $publish -p:Version=$version --nologo -v quiet
    }
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    New-Item -ItemType Directory $out | Out-Null
    # Only the cmdlet assembly sits next to the manifest; the core and every dependency go to dependencies/,
    # which the module loads into a load context of its own (see src/UberspaceFlask/ModuleInitializer.cs).
    $deps = New-Item -ItemType Directory (Join-Path $out 'dependencies')
    foreach ($f in Get-ChildItem $publish -File | Where-Object { $_.Extension -in '.dll', '.pdb' }) {
        if ($f.BaseName -eq 'UberspaceFlask') { Copy-Item $f.FullName $out } else { Copy-Item $f.FullName $deps }
    }
    Copy-Item (Join-Path $root 'UberspaceFlask.psd1') $out
    Copy-Item (Join-Path $root 'en-US') $out -Recurse
    Copy-Item (Join-Path $root 'UberspaceFlask.Format.ps1xml') $out
    Copy-Item (Join-Path $root 'LICENSE') $out
    Invoke-ReadyToRun (Join-Path $out 'dependencies')
    # MAML from the built module's metadata and docs/help/*.md; in a child pwsh, since a loaded binary module stays loaded.
    Invoke-Pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tools/New-ModuleHelp.ps1') -ModulePath (Join-Path $out 'UberspaceFlask.psd1') `
        -SourcePath (Join-Path $root 'docs/help') -OutputFile (Join-Path $out 'en-US/UberspaceFlask.dll-Help.xml')
    if ($LASTEXITCODE) { throw "Generating help failed (exit $LASTEXITCODE)" }
    Write-Host "Built $out (version $version)"
}

function Get-NuGetPackageRoot {
    # Where restores put packages: NUGET_PACKAGES, else ~/.nuget/packages.
    if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
}

function Invoke-ReadyToRun([string] $Dependencies) {
    # Native code for this machine's runtime, beside the portable assemblies: on PowerShell 7 the module's load
    # context takes these (dependencies/r2r/net<major>.0-<rid>/, see ModuleInitializer.cs), so a fresh process does
    # not compile SSH.NET, the template engine and the core method by method. Windows PowerShell and any other
    # runtime or platform keep loading the portable ones. Without crossgen2 (no NuGet), the build goes on without it.
    if ($PSVersionTable.PSEdition -ne 'Core') { return }
    $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    if ($rid -notmatch '^(linux|osx|win)-(x64|arm64)$') { Write-Warning "No ReadyToRun images for $rid."; return }
    $os, $arch = $rid -split '-'
    $version = [Environment]::Version
    $runtimeDir = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
    dotnet restore (Join-Path $root 'tools/crossgen.proj') --nologo -v quiet -p:CrossgenRid=$rid -p:CrossgenVersion=$version | Out-Host
    $packages = Get-NuGetPackageRoot
    $crossgen = Join-Path $packages "microsoft.netcore.app.crossgen2.$rid/$version/tools/crossgen2"
    if ($IsWindows) { $crossgen += '.exe' }
    if ($LASTEXITCODE -or -not (Test-Path $crossgen)) { Write-Warning "crossgen2 $version for $rid could not be restored; the module stays portable only."; return }
    # References: the runtime, then PowerShell's own assemblies, then ours; each name once (the first one wins).
    $seen = @{}
    $refs = foreach ($dir in $runtimeDir, $PSHOME, $Dependencies) {
        foreach ($f in Get-ChildItem $dir -Filter *.dll -File) { if (-not $seen.ContainsKey($f.BaseName)) { $seen[$f.BaseName] = $dir; $f.FullName } }
    }
    $target = New-Item -ItemType Directory (Join-Path $Dependencies "r2r/net$($version.Major).0-$rid") -Force
    # Only what the module's load context loads itself: assemblies the runtime or PowerShell ship are shared.
    $own = Get-ChildItem $Dependencies -Filter *.dll -File | Where-Object { $seen[$_.BaseName] -eq $Dependencies }
    foreach ($dll in $own) {
        $output = & $crossgen $dll.FullName ($refs | ForEach-Object { "-r:$_" }) --targetos $os --targetarch $arch -O -o (Join-Path $target $dll.Name) 2>&1
        if ($LASTEXITCODE) { throw "crossgen2 failed on $($dll.Name): $output" }
    }
    Write-Host "ReadyToRun images for $rid (.NET $version): $($own.Count) assemblies in $target"
}

function Get-PesterModule {
    # Test-time packages (Pester, an old SSH.NET for the isolation test) come from NuGet; a no-op when cached.
    Invoke-Native 'restoring test packages from NuGet' { dotnet restore (Join-Path $root 'tools/tools.proj') --nologo -v quiet }
    $packages = Get-NuGetPackageRoot
    $env:UF_OLD_SSHNET = Join-Path $packages 'ssh.net/2024.2.0/lib/net8.0/Renci.SshNet.dll'
    Join-Path $packages 'pester/6.2.0/tools/Pester.psd1'
}

function Install-SandboxDependency {
    # Debian packages for the sandbox (no-op when present); needs root, as the sandbox does.
    Invoke-Native 'installing the sandbox packages' { bash (Join-Path $root 'tests/sandbox/install-deps.sh') }
}

function Start-Sandbox {
    Install-SandboxDependency
    Invoke-Native 'starting the sandbox' { bash (Join-Path $root 'tests/sandbox/sandbox.sh') start }
}

function Invoke-Test {
    # The integration tests reset their sandbox account themselves; the packages must be there.
    Install-SandboxDependency
    $pester = Get-PesterModule
    $tests = Join-Path $root 'tests'
    # Pester runs in pwsh processes of its own so the module under test loads fresh. Three parts:
    #  1. alone: the files that restart the whole sandbox, give sshd a new host key or use four accounts;
    #  2. the fault suite on an account of its own (it kills the account's sshd processes and host commands), beside
    #  3. every other file, on isabell.
    $alone = 'Sandbox.Tests.ps1', 'Parallel.Tests.ps1', 'Remote.Tests.ps1'
    $beside = 'Faults.Tests.ps1'
    $rest = Get-ChildItem $tests -Filter '*.Tests.ps1' | ForEach-Object Name | Where-Object { $_ -notin $alone -and $_ -ne $beside }
    $common = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $tests 'Invoke-Tests.ps1'), '-PesterPath', $pester, '-ModulePath', (Join-Path $out 'UberspaceFlask.psd1'))
    if ($Tag) { $common += @('-Tag', ($Tag -join ',')) }
    if ($ExcludeTag) { $common += @('-ExcludeTag', ($ExcludeTag -join ',')) }
    $work = New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-run-" + [guid]::NewGuid().ToString('N')))
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $summaries = @()
    try {
        $part = $common + @('-Files', ($alone -join ','), '-SummaryPath', (Join-Path $work 'alone.json'))
        Invoke-Pwsh @part
        $summaries += Join-Path $work 'alone.json'
        # Both accounts of parts 2 and 3 in one start: from here on each file resets only its own account.
        $env:UF_SANDBOX_ACCOUNTS = 'isabell isabellf'
        Invoke-Native 'starting the sandbox' { bash (Join-Path $tests 'sandbox/sandbox.sh') start | Out-Null }
        $faultsLog = Join-Path $work 'faults.log'
        $env:UF_SANDBOX_USER = 'isabellf'
        $dll = Join-Path $PSHOME 'pwsh.dll'
        $exe, $pre = if (Test-Path $dll) { 'dotnet', @($dll) } else { (Join-Path $PSHOME 'pwsh'), @() }
        $faults = Start-Process $exe -PassThru -RedirectStandardOutput $faultsLog -RedirectStandardError "$faultsLog.err" `
            -ArgumentList ($pre + $common + @('-Files', $beside, '-SummaryPath', (Join-Path $work 'faults.json')) | ForEach-Object { if ($_ -match '\s') { '"' + $_ + '"' } else { $_ } })
        Remove-Item Env:UF_SANDBOX_USER
        $part = $common + @('-Files', ($rest -join ','), '-SummaryPath', (Join-Path $work 'rest.json'))
        Invoke-Pwsh @part
        $summaries += Join-Path $work 'rest.json'
        $faults.WaitForExit()
        Write-Host ''
        Write-Host "--- $beside, run beside the other files as isabellf ---"
        Get-Content $faultsLog, "$faultsLog.err" -ErrorAction SilentlyContinue | Write-Host
        $summaries += Join-Path $work 'faults.json'
    } finally {
        Remove-Item Env:UF_SANDBOX_ACCOUNTS -ErrorAction SilentlyContinue
        # Nothing of the run keeps running (the homes stay for a look): two accounts' apps hold ports a later run needs.
        bash (Join-Path $tests 'sandbox/sandbox.sh') stop | Out-Null
    }
    $parts = foreach ($f in $summaries) {
        if (Test-Path $f) { Get-Content $f -Raw | ConvertFrom-Json }
        else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; Files = @(); Tests = @() } } # a part that died counts as a failure
    }
    Import-Module (Join-Path $tests 'TestSummary.psm1') -Force
    Write-TestSummary -Parts $parts -WallSeconds $clock.Elapsed.TotalSeconds
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
    $failed = ($parts | Measure-Object -Property Failed -Sum).Sum
    $passed = ($parts | Measure-Object -Property Passed -Sum).Sum
    if ($failed -gt 0 -or $passed -eq 0) { throw "Tests failed ($failed failed, $passed passed)" }
}

function Invoke-Package {
    $packages = Join-Path $root 'out/packages'
    New-Item -ItemType Directory $packages -Force | Out-Null
    Get-ChildItem $packages -Filter 'UberspaceFlask.*.nupkg' | Remove-Item
    # In a child pwsh: validating the manifest loads the module's assembly, which then stays loaded.
    Invoke-Pwsh -NoProfile -NonInteractive -Command "Compress-PSResource -Path '$out' -DestinationPath '$packages'"
    if ($LASTEXITCODE) { throw "Compress-PSResource failed (exit $LASTEXITCODE)" }
    Get-ChildItem $packages -Filter 'UberspaceFlask.*.nupkg' | ForEach-Object { Write-Host "Packed $($_.FullName)" }
}

function Invoke-Demo {
    Start-Sandbox
    & (Join-Path $root 'tests/sandbox/Invoke-Demo.ps1') -ModulePath (Join-Path $out 'UberspaceFlask.psd1')
    if ($LASTEXITCODE) { throw "Demo failed (exit $LASTEXITCODE)" }
}

foreach ($t in $Task) {
    switch ($t) {
        'Clean' { if (Test-Path (Join-Path $root 'out')) { Remove-Item (Join-Path $root 'out') -Recurse -Force } }
        'Build' { Invoke-Build }
        'Test' { Invoke-Build; Invoke-Test }
        'Demo' { Invoke-Build; Invoke-Demo }
        'Package' { Invoke-Build; Invoke-Package }
        'Sandbox' { Start-Sandbox }
    }
}
