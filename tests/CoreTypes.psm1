# Reaching the core from tests without a host: its types by simple name, and the ErrorId a call fails with.
# The core lives in the module's own load context, where PowerShell's [type] literals do not look.
Set-StrictMode -Version Latest

function Get-CoreType([string] $Name) {
    $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'UberspaceFlask.Core' }
    $t = @($core.GetTypes() | Where-Object { $_.Name -eq $Name -and $_.IsPublic })
    if ($t.Count -ne 1) { throw "No single public core type named $Name" }
    $t[0]
}

# The core's exception a call fails with (ErrorId, Message); $null when it does not fail.
function Get-CoreError([scriptblock] $Call) {
    try { $null = & $Call; $null }
    catch {
        $e = $_.Exception
        while ($e -and -not $e.PSObject.Properties['ErrorId']) { $e = $e.InnerException }
        if ($e) { $e } else { throw }
    }
}

# The ErrorId a core call fails with ('no error' when it does not fail).
function Get-ErrorId([scriptblock] $Call) {
    $e = Get-CoreError $Call
    if ($e) { $e.ErrorId } else { 'no error' }
}

Export-ModuleMember -Function Get-CoreType, Get-CoreError, Get-ErrorId
