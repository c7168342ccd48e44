# The end of a test run: where the time went (each file, its setup included; the 20 slowest tests) and the closing
# line "N passed, N failed, N skipped", added up over the parts of a run (Invoke-Tests.ps1's summaries).

function Write-TestSummary {
    param([Parameter(Mandatory)] [object[]] $Parts, [double] $WallSeconds = 0)
    $files = @($Parts | ForEach-Object { $_.Files } | Where-Object { $_ })
    $tests = @($Parts | ForEach-Object { $_.Tests } | Where-Object { $_ })
    Write-Host ''
    Write-Host 'Time per test file:'
    $sum = 0.0
    foreach ($f in $files | Sort-Object Seconds -Descending) {
        $sum += $f.Seconds
        Write-Host ('{0,8:N1} s  {1}  ({2} tests run)' -f $f.Seconds, $f.Name, $f.Tests)
    }
    Write-Host ('{0,8:N1} s  all files' -f $sum)
    if ($WallSeconds -gt 0) { Write-Host ('{0,8:N1} s  the whole run, by the clock (the fault suite runs beside the other files)' -f $WallSeconds) }
    Write-Host 'The 20 slowest tests:'
    foreach ($t in $tests | Sort-Object Seconds -Descending | Select-Object -First 20) { Write-Host ('{0,8:N1} s  {1}' -f $t.Seconds, $t.Name) }
    $passed = ($Parts | Measure-Object -Property Passed -Sum).Sum
    $failed = ($Parts | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($Parts | Measure-Object -Property Skipped -Sum).Sum
    Write-Host ''
    Write-Host "$passed passed, $failed failed, $skipped skipped"
}

Export-ModuleMember -Function Write-TestSummary
