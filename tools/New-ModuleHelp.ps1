<#
.SYNOPSIS
    Generates the module's MAML help (en-US/UberspaceFlask.dll-Help.xml) from the built module and docs/help/*.md.
.DESCRIPTION
    Syntax, parameter sets, types, positions, pipeline input and aliases come from Get-Command on the built module,
    so they cannot drift from the code; synopsis, description, parameter texts, examples and notes come from one
    markdown file per cmdlet. Fails when a cmdlet or parameter has no text, when a cmdlet has fewer than two
    examples, or when the markdown describes a parameter that does not exist. Runs in its own pwsh (build.ps1).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SourcePath,
    [Parameter(Mandatory)] [string] $OutputFile
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$module = Import-Module $ModulePath -PassThru
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
$riskText = @{
    WhatIf  = 'Shows what the cmdlet would change (files, with what happens to each, and commands) without changing anything.'
    Confirm = 'Asks for confirmation before each change.'
}

$script:ns = @{ maml = 'http://schemas.microsoft.com/maml/2004/10'; command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10' }

function Read-HelpMarkdown([string] $File) {
    $doc = @{ Synopsis = ''; Description = ''; Parameters = [ordered]@{}; Defaults = @{}; Examples = [System.Collections.Generic.List[object]]::new(); Notes = '' }
    $section = $null; $sub = $null; $buffer = [System.Collections.Generic.List[string]]::new()
    $flush = {
        $text = ($buffer -join "`n").Trim()
        switch ($section) {
            'SYNOPSIS' { $doc.Synopsis = $text }
            'DESCRIPTION' { $doc.Description = $text }
            'NOTES' { $doc.Notes = $text }
            'PARAMETERS' {
                if ($sub) {
                    $lines = $text -split "`n"
                    $default = $lines | Where-Object { $_ -match '^Default: ' } | Select-Object -First 1
                    if ($default) { $doc.Defaults[$sub] = $default.Substring(9).Trim() }
                    $doc.Parameters[$sub] = (($lines | Where-Object { $_ -notmatch '^Default: ' }) -join "`n").Trim()
                }
            }
            'EXAMPLES' {
                if ($sub) {
                    $m = [regex]::Match($text, '(?s)```powershell\s*\n(?<code>.*?)\n```(?<rest>.*)')
                    if (-not $m.Success) { throw "$File, example '$sub': no powershell code block" }
                    $doc.Examples.Add([pscustomobject]@{ Title = $sub; Code = $m.Groups['code'].Value.Trim(); Remarks = $m.Groups['rest'].Value.Trim() })
                }
            }
        }
        $buffer.Clear()
    }
    foreach ($line in Get-Content $File) {
        if ($line -match '^## (.+)$') { & $flush; $section = $Matches[1].Trim(); $sub = $null; continue }
        if ($line -match '^### (.+)$') { & $flush; $sub = $Matches[1].Trim().TrimStart('-'); continue }
        if ($line -match '^# ') { continue }
        $buffer.Add($line)
    }
    & $flush
    $doc
}

function Write-Paragraphs([System.Xml.XmlWriter] $w, [string] $text) {
    foreach ($p in ($text -split "\n\s*\n")) {
        if ($p.Trim()) { $w.WriteElementString('maml', 'para', $ns.maml, (($p -split "`n") -join ' ').Trim()) }
    }
}

function Get-PipelineText($attrs) {
    $kinds = @()
    if ($attrs | Where-Object ValueFromPipeline) { $kinds += 'ByValue' }
    if ($attrs | Where-Object ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Write-Parameter([System.Xml.XmlWriter] $w, $cmd, [string] $name, $doc, [string] $setName) {
    $meta = $cmd.Parameters[$name]
    $attrs = @($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } |
        Where-Object { -not $setName -or $_.ParameterSetName -in $setName, '__AllParameterSets' })
    $required = [bool]($attrs | Where-Object Mandatory)
    $positional = $attrs | Where-Object { $_.Position -ge 0 } | Select-Object -First 1
    $position = if ($positional) { $positional.Position } else { $null }
    $isSwitch = $meta.ParameterType -eq [System.Management.Automation.SwitchParameter]
    $w.WriteStartElement('command', 'parameter', $ns.command)
    $w.WriteAttributeString('required', $required.ToString().ToLowerInvariant())
    $w.WriteAttributeString('variableLength', $meta.ParameterType.IsArray.ToString().ToLowerInvariant())
    $w.WriteAttributeString('globbing', 'false')
    $w.WriteAttributeString('pipelineInput', (Get-PipelineText $attrs))
    $w.WriteAttributeString('position', $(if ($null -ne $position) { "$position" } else { 'named' }))
    $w.WriteAttributeString('aliases', $(if ($meta.Aliases.Count) { $meta.Aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('maml', 'name', $ns.maml, $name)
    $w.WriteStartElement('maml', 'description', $ns.maml)
    Write-Paragraphs $w $(if ($doc.Parameters.Contains($name)) { $doc.Parameters[$name] } else { $riskText[$name] })
    $w.WriteEndElement()
    if (-not $isSwitch) {
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', 'true'); $w.WriteAttributeString('variableLength', 'false')
        $shown = [Nullable]::GetUnderlyingType($meta.ParameterType)
        if (-not $shown) { $shown = $meta.ParameterType }
        $w.WriteString($shown.Name); $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $meta.ParameterType.FullName); $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $ns.dev, $(if ($doc.Defaults.ContainsKey($name)) { $doc.Defaults[$name] } elseif ($isSwitch) { 'False' } else { 'None' }))
    $w.WriteEndElement()
}

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
New-Item -ItemType Directory (Split-Path $OutputFile -Parent) -Force | Out-Null
$w = [System.Xml.XmlWriter]::Create($OutputFile, $settings)
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
$script:ns = @{ maml = 'http://schemas.microsoft.com/maml/2004/10'; command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10' }
$problems = [System.Collections.Generic.List[string]]::new()
foreach ($cmd in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $file = Join-Path $SourcePath "$($cmd.Name).md"
    if (-not (Test-Path $file)) { $problems.Add("$($cmd.Name): no $file"); continue }
    $doc = Read-HelpMarkdown $file
    $own = @($cmd.Parameters.Keys | Where-Object { $_ -notin $common })
    foreach ($p in $own) { if (-not $doc.Parameters.Contains($p) -or -not $doc.Parameters[$p]) { $problems.Add("$($cmd.Name): parameter -$p has no text in $file") } }
    foreach ($p in $doc.Parameters.Keys) { if ($p -notin $own) { $problems.Add("$($cmd.Name): $file describes -$p, which the cmdlet does not have") } }
    if (-not $doc.Synopsis) { $problems.Add("$($cmd.Name): no SYNOPSIS") }
    if (-not $doc.Description) { $problems.Add("$($cmd.Name): no DESCRIPTION") }
    if ($doc.Examples.Count -lt 2) { $problems.Add("$($cmd.Name): $($doc.Examples.Count) example(s); at least 2 are needed") }
    $documented = @($own) + @($cmd.Parameters.Keys | Where-Object { $_ -in 'WhatIf', 'Confirm' })

    $w.WriteStartElement('command', 'command', $ns.command)
    foreach ($k in $ns.Keys) { $w.WriteAttributeString('xmlns', $k, $null, $ns[$k]) }
    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('command', 'name', $ns.command, $cmd.Name)
    $w.WriteElementString('command', 'verb', $ns.command, $cmd.Verb)
    $w.WriteElementString('command', 'noun', $ns.command, $cmd.Noun)
    $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paragraphs $w $doc.Synopsis; $w.WriteEndElement()
    $w.WriteEndElement()
    $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paragraphs $w $doc.Description; $w.WriteEndElement()

    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $cmd.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('maml', 'name', $ns.maml, $cmd.Name)
        foreach ($p in $set.Parameters | Where-Object { $_.Name -in $documented }) { Write-Parameter $w $cmd $p.Name $doc $set.Name }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $documented) { Write-Parameter $w $cmd $p $doc $null }
    $w.WriteEndElement()

    $inputs = @($cmd.Parameters.Values | Where-Object { $_.Name -notin $common -and ($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) }) })
    $w.WriteStartElement('command', 'inputTypes', $ns.command)
    foreach ($i in $inputs) {
        $w.WriteStartElement('command', 'inputType', $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $i.ParameterType.FullName); $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $ns.maml); Write-Paragraphs $w "Binds -$($i.Name) $(if (($i.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipeline })) { 'by value' } else { 'by property name' })."; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteStartElement('command', 'returnValues', $ns.command)
    foreach ($o in $cmd.OutputType) {
        $w.WriteStartElement('command', 'returnValue', $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $o.Name); $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $ns.maml); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    if ($doc.Notes) { $w.WriteStartElement('maml', 'alertSet', $ns.maml); $w.WriteStartElement('maml', 'alert', $ns.maml); Write-Paragraphs $w $doc.Notes; $w.WriteEndElement(); $w.WriteEndElement() }
    $w.WriteStartElement('command', 'examples', $ns.command)
    $n = 0
    foreach ($e in $doc.Examples) {
        $n++
        $w.WriteStartElement('command', 'example', $ns.command)
        $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $($e.Title) --------------------------")
        $w.WriteElementString('dev', 'code', $ns.dev, $e.Code)
        $w.WriteStartElement('dev', 'remarks', $ns.dev); Write-Paragraphs $w $e.Remarks; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteStartElement('command', 'relatedLinks', $ns.command)
    $w.WriteStartElement('maml', 'navigationLink', $ns.maml); $w.WriteElementString('maml', 'linkText', $ns.maml, 'about_UberspaceFlask'); $w.WriteElementString('maml', 'uri', $ns.maml, ''); $w.WriteEndElement()
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Close()
if ($problems.Count) {
    Remove-Item $OutputFile
    throw "Help is incomplete:`n  " + ($problems -join "`n  ")
}
Write-Host "Wrote $OutputFile"
