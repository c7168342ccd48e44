# What the bench scripts share: medians, and a login of their own to the sandbox's accounts.
Set-StrictMode -Version Latest

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

# A new key in $Work that logs in to isabell and isabell2, the sandbox sshd's host-key fingerprint, and a known_hosts
# file that names that host key for 127.0.0.1 on $Port (the sshd's own, or a proxy's in front of it).
function New-BenchLogin([string] $Work, [string] $SandboxRoot, [int] $Port = 12222) {
    $key = Join-Path $Work 'id_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -f $key
    foreach ($u in 'isabell', 'isabell2') { Add-Content "/home/$u/.ssh/authorized_keys" (Get-Content "$key.pub") }
    $sshdDir = Join-Path $SandboxRoot 'sshd'
    $hostKey = Join-Path $sshdDir 'ssh_host_ed25519_key.pub'
    $knownHosts = Join-Path $Work 'known_hosts'
    Set-Content $knownHosts ("[127.0.0.1]:$Port " + ((Get-Content $hostKey) -split ' ')[0..1] -join ' ')
    [pscustomobject]@{ Key = $key; Pin = ((& ssh-keygen -lf $hostKey) -split ' ')[1]; KnownHosts = $knownHosts; SshdDir = $sshdDir }
}

Export-ModuleMember -Function Get-Median, New-BenchLogin
