# The module as a PowerShell user first meets it: manifest, help, formatting, packaging.
BeforeAll {
    Import-Module $env:UF_MODULE_PATH -Force
    $script:moduleDir = Split-Path $env:UF_MODULE_PATH -Parent
    $script:manifest = Import-PowerShellDataFile $env:UF_MODULE_PATH
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

BeforeDiscovery {
    Import-Module $env:UF_MODULE_PATH -Force
    $script:cmdlets = @(Get-Command -Module UberspaceFlask -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    # Every type a cmdlet declares with [OutputType], so a new output type cannot be left without a view.
    $script:outputTypes = @(Get-Command -Module UberspaceFlask -CommandType Cmdlet | ForEach-Object { $_.OutputType.Name } |
        Where-Object { $_ -like 'UberspaceFlask.*' } | Sort-Object -Unique | ForEach-Object { @{ Type = $_ } })
}

Describe 'The manifest' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest $env:UF_MODULE_PATH -ErrorAction Stop } | Should -Not -Throw
    }
    It 'exports exactly the cmdlets the assembly defines' {
        $defined = [UberspaceFlask.Commands.NewFlaskAppCommand].Assembly.GetTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" } | Sort-Object
        @($manifest.CmdletsToExport | Sort-Object) | Should -Be @($defined)
        @((Get-Command -Module UberspaceFlask).Name | Sort-Object) | Should -Be @($defined)
    }
    It 'exports no functions, aliases or variables' {
        $manifest.FunctionsToExport.Count | Should -Be 0
        $manifest.AliasesToExport.Count | Should -Be 0
        $manifest.VariablesToExport.Count | Should -Be 0
    }
    It 'has tags, project and license URIs and release notes' {
        $manifest.PrivateData.PSData.Tags | Should -Contain 'Uberspace'
        $manifest.PrivateData.PSData.ProjectUri | Should -Match '^https://'
        $manifest.PrivateData.PSData.LicenseUri | Should -Match '^https://'
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Match $manifest.ModuleVersion
        Test-Path (Join-Path $moduleDir 'LICENSE') | Should -BeTrue
    }
    It 'stamps the manifest''s version into both assemblies' {
        $v = [version]$manifest.ModuleVersion
        [UberspaceFlask.Commands.NewFlaskAppCommand].Assembly.GetName().Version | Should -Be ([version]::new($v.Major, $v.Minor, $v.Build, 0))
        [System.Diagnostics.FileVersionInfo]::GetVersionInfo((Join-Path $moduleDir 'dependencies/UberspaceFlask.Core.dll')).ProductVersion | Should -BeLike "$($manifest.ModuleVersion)*"
    }
    It 'keeps only the cmdlet assembly beside the manifest; dependencies load from dependencies/' {
        (Get-ChildItem $moduleDir -Filter *.dll).Name | Should -Be @('UberspaceFlask.dll')
        Test-Path (Join-Path $moduleDir 'dependencies/Renci.SshNet.dll') | Should -BeTrue
    }
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll { $script:help = Get-Help $Name -Full }
    It 'has a written synopsis and description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name "   # PowerShell's stand-in synopsis is the syntax line
        ($help.Description.Text -join ' ') | Should -Not -BeNullOrEmpty
    }
    It 'has at least two examples with code' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $help.Examples.Example | ForEach-Object { $_.Code | Should -Not -BeNullOrEmpty }
    }
    It 'describes every parameter' {
        $params = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }
        foreach ($p in $params) {
            $text = (Get-Help $Name -Parameter $p).Description.Text -join ' '
            $text | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs help"
        }
    }
}

Describe 'about_UberspaceFlask' {
    It 'covers the flow, SSH, sub-paths and troubleshooting' {
        $about = Get-Help about_UberspaceFlask | Out-String
        foreach ($heading in 'OVER SSH', 'SUB-PATHS', 'TROUBLESHOOTING', 'New-FlaskApp -Name basic_flask') { $about | Should -Match $heading }
    }
}

Describe 'The output types' {
    It 'are every type the cmdlets declare, the ones a hand-kept list had missed included' {
        $outputTypes.Type | Should -Contain 'UberspaceFlask.FlaskCommandResult'
        $outputTypes.Type | Should -Contain 'UberspaceFlask.FlaskAppInfo'
        $outputTypes.Count | Should -BeGreaterThan 12
    }
}

Describe 'Formatting of <Type>' -ForEach $outputTypes {
    It 'has a table view' {
        $fd = Get-FormatData -TypeName $Type
        $fd | Should -Not -BeNullOrEmpty
        $fd.FormatViewDefinition.Control | Where-Object { $_ -is [System.Management.Automation.TableControl] } | Should -Not -BeNullOrEmpty
    }
}

Describe 'ReadyToRun images' {
    BeforeAll {
        # In a fresh pwsh: what the core's validation says, then where the core and SSH.NET were loaded from.
        function Invoke-Fresh([string] $ManifestPath) {
            $code = @"
Import-Module '$ManifestPath' -ErrorAction Stop
try { New-FlaskApp -Name 'bad name' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId }
# -WhatIf renders the app's files (so the template engine loads) and writes nothing.
`$null = New-FlaskApp -Name r2r -Path '$TestDrive/nowhere/r2r' -Package @() -WhatIf
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'UberspaceFlask.Core', 'Fluid' } | Sort-Object { `$_.GetName().Name } | ForEach-Object Location
"@
            & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $code 2>&1
        }
        function Test-ReadyToRun([string] $Path) {
            $stream = [IO.File]::OpenRead($Path)
            try { ([System.Reflection.PortableExecutable.PEReader]::new($stream)).PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0 } finally { $stream.Dispose() }
        }
        $script:rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
        $script:nativeDir = Join-Path $moduleDir "dependencies/r2r/net$([Environment]::Version.Major).0-$rid"
    }
    It 'are built for this runtime and platform, beside portable assemblies' {
        Test-ReadyToRun (Join-Path $nativeDir 'UberspaceFlask.Core.dll') | Should -BeTrue
        Test-ReadyToRun (Join-Path $nativeDir 'Renci.SshNet.dll') | Should -BeTrue
        Test-ReadyToRun (Join-Path $moduleDir 'dependencies/UberspaceFlask.Core.dll') | Should -BeFalse
        Test-ReadyToRun (Join-Path $moduleDir 'UberspaceFlask.dll') | Should -BeFalse
    }
    It 'are what PowerShell 7 on this platform loads' {
        $out = Invoke-Fresh $env:UF_MODULE_PATH
        $out[0] | Should -Be 'InvalidAppName,UberspaceFlask.Commands.NewFlaskAppCommand'
        $out -like '*.dll' | Should -Be @((Join-Path $nativeDir 'Fluid.dll'), (Join-Path $nativeDir 'UberspaceFlask.Core.dll'))
    }
    It 'are optional: without them (another platform or runtime) the portable assemblies load' {
        $copy = Join-Path $TestDrive 'portable/UberspaceFlask'
        Copy-Item $moduleDir $copy -Recurse
        Remove-Item (Join-Path $copy 'dependencies/r2r') -Recurse -Force
        $out = Invoke-Fresh (Join-Path $copy 'UberspaceFlask.psd1')
        $out[0] | Should -Be 'InvalidAppName,UberspaceFlask.Commands.NewFlaskAppCommand'
        $out -like '*.dll' | Should -Be @((Join-Path $copy 'dependencies/Fluid.dll'), (Join-Path $copy 'dependencies/UberspaceFlask.Core.dll'))
    }
}

Describe 'Packaging' {
    It 'publishes to a file repository, installs into a clean module path, and works from there in a fresh pwsh' {
        $home2 = Join-Path $TestDrive 'home'
        $repo = Join-Path $TestDrive 'repo'
        New-Item -ItemType Directory $home2, $repo | Out-Null
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name UfLocal -Uri '$repo' -Trusted
Publish-PSResource -Path '$moduleDir' -Repository UfLocal
Install-PSResource -Name UberspaceFlask -Repository UfLocal -Scope CurrentUser -TrustRepository
(Get-ChildItem '$repo' -Filter '*.nupkg').Name
"@
        $env2 = @{ HOME = $home2; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null }
        function Invoke-CleanPwsh([string] $Code) {
            $saved = @{}
            foreach ($k in $env2.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $env2[$k]) }
            $savedPath = $env:PSModulePath; $env:PSModulePath = $null
            try { & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $Code 2>&1 }
            finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }; $env:PSModulePath = $savedPath }
        }
        $published = Invoke-CleanPwsh $script
        $LASTEXITCODE | Should -Be 0 -Because ($published -join "`n")
        $published | Should -Contain "UberspaceFlask.$($manifest.ModuleVersion).nupkg"

        $check = Invoke-CleanPwsh @'
Import-Module UberspaceFlask -ErrorAction Stop
(Get-Module UberspaceFlask).ModuleBase
(Get-Command -Module UberspaceFlask).Count
@((Get-Help New-FlaskApp -Examples).Examples.Example).Count
try { New-FlaskApp -Name 'bad name' -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
'@
        $LASTEXITCODE | Should -Be 0 -Because ($check -join "`n")
        $check[0] | Should -BeLike "$home2*"
        [int]$check[1] | Should -Be $manifest.CmdletsToExport.Count
        [int]$check[2] | Should -BeGreaterOrEqual 2
        $check[3] | Should -Be 'InvalidAppName,UberspaceFlask.Commands.NewFlaskAppCommand'
    }
}
