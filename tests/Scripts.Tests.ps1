# What runs on a host is POSIX sh from src/UberspaceFlask.Core/Scripts: every file, and every script as it is sent
# (lib/proto.sh and the lib files it uses in front of it, as HostScript builds it), must pass shellcheck with no
# finding at all, and user values only arrive as positional parameters. shellcheck comes from Debian
# (tests/sandbox/install-deps.sh); without it every shellcheck test fails (the command is not found), none skips.
BeforeDiscovery {
    $script:scriptDir = Join-Path $PSScriptRoot '../src/UberspaceFlask.Core/Scripts'
    $script:scripts = Get-ChildItem $scriptDir -Recurse -Filter '*.sh' | Where-Object { $_.Directory.Name -ne 'lib' } | ForEach-Object {
        $rel = [IO.Path]::GetRelativePath($scriptDir, $_.FullName) -replace '\\', '/'
        @{ Name = $rel; Path = $_.FullName; Script = $rel -replace '\.sh$', '' }
    }
    $script:libs = Get-ChildItem (Join-Path $scriptDir 'lib') -Filter '*.sh' | ForEach-Object { @{ Name = "lib/$($_.Name)"; Path = $_.FullName } }
}

BeforeAll {
    Import-Module $env:UF_MODULE_PATH -Force
    Import-Module (Join-Path $PSScriptRoot 'CoreTypes.psm1') -Force
    $script:scriptDir = Join-Path $PSScriptRoot '../src/UberspaceFlask.Core/Scripts'
    # Every lib file, proto first: what a test of lib functions runs in front of its body.
    $script:allLibs = @(Join-Path $scriptDir 'lib/proto.sh') + @(Get-ChildItem (Join-Path $scriptDir 'lib') -Filter '*.sh' | Where-Object Name -ne 'proto.sh' | ForEach-Object FullName)
    # Runs the lib files, then $Body, with the arguments after it; returns stdout.
    function Invoke-Lib([string] $Body, [string[]] $Arguments) {
        $text = (($allLibs | ForEach-Object { Get-Content $_ -Raw }) -join "`n") + "`n" + $Body
        (& /bin/sh -c $text sh MARK @Arguments) -join "`n"
    }
    function Invoke-ShellCheck([string] $Path) {
        $out = & shellcheck --shell=sh --severity=style --format=gcc $Path 2>&1
        [pscustomobject]@{ Exit = $LASTEXITCODE; Output = ($out -join "`n") }
    }
    # The functions each lib file defines.
    $script:defined = @{}
    foreach ($f in Get-ChildItem (Join-Path $scriptDir 'lib') -Filter '*.sh') {
        $defined[$f.BaseName] = @([regex]::Matches((Get-Content $f.FullName -Raw), '(?m)^([a-z_]+)\(\) \{') | ForEach-Object { $_.Groups[1].Value })
    }
    # The names of lib functions a text calls, its comments left out.
    function Get-Called([string] $Text) {
        $code = ($Text -split "`n" | Where-Object { $_ -notmatch '^\s*#' }) -join "`n"
        @($defined.Values | ForEach-Object { $_ } | Where-Object { $code -match "(?<![A-Za-z0-9_])$_(?![A-Za-z0-9_])" })
    }
}

Describe 'Host scripts' {
    It '<Name> passes shellcheck' -ForEach $libs {
        $r = Invoke-ShellCheck $Path
        $r.Output | Should -BeNullOrEmpty
        $r.Exit | Should -Be 0
    }
    It '<Name> passes shellcheck on its own and as sent (its lib files in front)' -ForEach $scripts {
        $r = Invoke-ShellCheck $Path
        $r.Output | Should -BeNullOrEmpty
        $sent = Join-Path $TestDrive ($Name -replace '[\\/]', '-')
        Set-Content -Path $sent -Value ((Get-CoreType HostScript)::Get($Script).Text) -NoNewline
        $r = Invoke-ShellCheck $sent
        $r.Output | Should -BeNullOrEmpty
        $r.Exit | Should -Be 0
    }
    It '<Name> names itself in its header and is sent with the lib files it calls, no others, under 32 KB' -ForEach $scripts {
        $text = Get-Content $Path -Raw
        $text | Should -Match '^# shellcheck shell=sh'
        ($text -split "`n")[1] | Should -Match ('^# ' + [regex]::Escape($Name) + ': ')
        $sent = (Get-CoreType HostScript)::Get($Script)
        # Every lib function the script, or a lib file it is sent with, calls is defined in what is sent.
        $sentDefined = @($sent.Libraries | ForEach-Object { $defined[$_] })
        @(Get-Called $sent.Text | Where-Object { $_ -notin $sentDefined }) | Should -BeNullOrEmpty
        # Each lib file it names in its "# uses:" line is called by it.
        $declared = @([regex]::Match($text, '(?m)^# uses: (.*)$').Groups[1].Value -split ' ' | Where-Object { $_ -and $_ -ne '(proto' -and $_ -ne 'only)' })
        $called = Get-Called $text
        foreach ($lib in $declared) { "$lib used: $(@($defined[$lib] | Where-Object { $_ -in $called }).Count -gt 0)" | Should -Be "$lib used: True" }
        [Text.Encoding]::UTF8.GetByteCount($sent.Text) | Should -BeLessThan 32KB
    }
    It 'shellcheck would catch an unquoted expansion of a value read from a host file' {
        $bad = Join-Path $TestDrive 'bad.sh'
        Set-Content $bad "# shellcheck shell=sh`npidf=`$(sed -n 's/^pidfile = //p' uwsgi.ini)`nfind . -newer `$pidf`n"
        (Invoke-ShellCheck $bad).Output | Should -Match 'SC2086'
    }
}

Describe 'lib/proc.sh reads processes from /proc' {
    BeforeAll {
        # A process whose parent's command name is $ParentName: a copy of sh under that name starts `sleep` and
        # writes its pid into $Dir/app.pid, then waits. Returns the parent's process.
        function Start-Parent([string] $ParentName, [string] $Dir) {
            $bin = Join-Path $TestDrive $ParentName
            Copy-Item /bin/sh $bin -Force
            New-Item -ItemType Directory $Dir -Force | Out-Null
            $script = Join-Path $TestDrive 'parent.sh'
            Set-Content $script 'sleep 60 & echo $! > "$1/app.pid"; wait'
            $p = Start-Process $bin -ArgumentList $script, $Dir -PassThru
            $pidfile = Join-Path $Dir 'app.pid'
            for ($i = 0; $i -lt 50 -and -not (Test-Path $pidfile); $i++) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds 100
            $p
        }
    }
    It 'process_facts names the parent and the age as ps does, whatever the command name holds' {
        $p = Start-Parent 'odd) name (x' (Join-Path $TestDrive 'odd')
        try {
            $child = (Get-Content (Join-Path $TestDrive 'odd/app.pid')).Trim()
            $out = Invoke-Lib 'process_facts "$1"; printf "%s|%s|%s\n" "$uf_ppid" "$uf_parent_name" "$uf_age"' @($child)
            $ppid, $name, $age = $out.Split('|')
            $ppid | Should -Be ((& ps -o ppid= -p $child).Trim())
            $name | Should -Be ((& ps -o comm= -p $ppid).Trim())
            $name | Should -Be 'odd) name (x'
            $age | Should -Match '^0:[0-9]+$'
        } finally { Stop-Process -Id $child, $p.Id -ErrorAction SilentlyContinue }
    }
    It 'show_master reports a pidfile''s process only when supervisord is its parent' {
        $dir = Join-Path $TestDrive 'app'
        $p = Start-Parent 'supervisord' $dir
        try {
            $child = (Get-Content (Join-Path $dir 'app.pid')).Trim()
            $out = Invoke-Lib 'show_master "$1" && echo found' @($dir)
            $out | Should -Match "@@MARK master\npid=$child\nelapsed=0:[0-9]+\nfound"
        } finally { Stop-Process -Id $child, $p.Id -ErrorAction SilentlyContinue }
        $other = Join-Path $TestDrive 'other'
        $p = Start-Parent 'notsupervisord' $other
        $child = (Get-Content (Join-Path $other 'app.pid')).Trim()
        try {
            Invoke-Lib 'show_master "$1" || echo none' @($other) | Should -Be 'none'
        } finally { Stop-Process -Id $child, $p.Id -ErrorAction SilentlyContinue }
        Invoke-Lib 'show_master "$1" || echo none' @((Join-Path $TestDrive 'nowhere')) | Should -Be 'none'
    }
}

Describe 'lib/venv.sh: the one venv rule' {
    It 'the marker sits beside the venv, and a venv is ready only with its python and no marker (nor one inside, from earlier versions)' {
        $dir = Join-Path $TestDrive 'apps/venvs'
        New-Item -ItemType Directory (Join-Path $dir 'k1/bin') -Force | Out-Null
        Set-Content (Join-Path $dir 'k1/bin/python') '#!/bin/sh'
        & chmod +x (Join-Path $dir 'k1/bin/python')
        Invoke-Lib 'venv_marker "$1"' @("$dir/k1") | Should -Be "$dir/.k1.uf-incomplete"
        $ready = 'if venv_ready "$1"; then echo ready; else echo not; fi'
        Invoke-Lib $ready @("$dir/k1") | Should -Be 'ready'
        New-Item (Join-Path $dir '.k1.uf-incomplete') | Out-Null
        Invoke-Lib $ready @("$dir/k1") | Should -Be 'not'
        Invoke-Lib 'venv_done "$1"; if venv_ready "$1"; then echo ready; fi' @("$dir/k1") | Should -Be 'ready'
        New-Item (Join-Path $dir 'k1/.uf-incomplete') | Out-Null
        Invoke-Lib $ready @("$dir/k1") | Should -Be 'not'
        Invoke-Lib $ready @("$dir/missing") | Should -Be 'not'
    }
}

Describe 'The publish lock on the host (lib/publish.sh)' {
    It 'is freed in one step: a look while the cleanup frees it never finds the folder without its holder and mark' {
        # rm -rf of the folder removed its files first: for a moment the lock looked held by nobody, and a publish or
        # an Undo that looked then was refused with PublishLocked (seen once in 30 steps of a soak).
        $dir = Join-Path $TestDrive 'app'
        $seen = Invoke-Lib @'
app_layout "$1"
half=0
i=0
while [ "$i" -lt 30 ]; do
	mkdir -p "$uf_lock" && for n in $(seq 40); do : >"$uf_lock/f$n"; done
	echo holder >"$uf_lock/holder" && echo "$$ 0" >"$uf_lock/cleanup"
	release_lock &
	while [ -d "$uf_lock" ] || [ -e "$uf_lock" ]; do
		if [ -d "$uf_lock" ] && ! [ -f "$uf_lock/cleanup" ]; then [ -d "$uf_lock" ] && half=$((half + 1)); fi
	done
	wait
	i=$((i + 1))
done
echo "half=$half left=$(ls -A "$1")"
'@ -Arguments $dir
        $seen | Should -Be 'half=0 left='
    }
    It 'takes a zombie (killed, not yet reaped) for gone, as kill -0 does not' {
        $out = Invoke-Lib @'
sh -c 'true & exec sleep 3' &
parent=$!
sleep 0.3
zombie=$(ps -o pid= --ppid "$parent" | tr -d ' ')
state=$(ps -o stat= -p "$zombie" | cut -c1)
if kill -0 "$zombie" 2>/dev/null; then k=found; else k=gone; fi
if process_alive "$zombie"; then a=alive; else a=gone; fi
if process_alive "$parent"; then p=alive; else p=gone; fi
kill "$parent"
echo "$state $k $a $p"
'@
        $out | Should -Be 'Z found gone alive'
    }
    It 'waits for a running cleanup, then takes the lock; a mark whose process is gone is taken over' {
        $dir = Join-Path $TestDrive 'app2'
        $out = Invoke-Lib @'
app_layout "$1"
mkdir -p "$uf_lock"
echo "the cleanup after release X, since T" >"$uf_lock/holder"
sleep 1 & cleaner=$!
mark_cleanup "$cleaner" 30
start=$(date +%s)
take_lock "$1" "client" "" && echo "took after $(($(date +%s) - start)) s: $(cat "$uf_lock/holder")"
release_lock
mkdir -p "$uf_lock"
mark_cleanup 999999 30
take_lock "$1" "client2" "" && echo "took over: $(cat "$uf_lock/holder")"
'@ -Arguments $dir
        $out | Should -Match 'took after [01] s: client'
        $out | Should -Match 'took over: client2'
    }
}

Describe 'Names shared across the code' {
    BeforeAll {
        $script:src = Join-Path $PSScriptRoot '../src'
        $script:code = Get-ChildItem $src -Recurse -Filter '*.cs' | Where-Object { $_.FullName -notmatch '[\\/](obj|bin)[\\/]' } |
            ForEach-Object { [pscustomobject]@{ Name = $_.Name; Text = Get-Content $_.FullName -Raw } }
    }
    It 'each ErrorId constructed with a category is constructed in one place only, and one raised as a host failure too has that category' {
        # new UberspaceException("X", kind, ...) fixes X's category; two such sites could give X two categories (as
        # AppNotPublished had). r.Failure("X") and RunScriptChecked(.., "X") always give the host-failure category.
        $sites = foreach ($f in $code) {
            foreach ($m in [regex]::Matches($f.Text, 'new UberspaceException\("(\w+)", FailureKind\.(\w+)')) { [pscustomobject]@{ Id = $m.Groups[1].Value; Kind = $m.Groups[2].Value; File = $f.Name } }
        }
        $failures = foreach ($f in $code) {
            foreach ($m in [regex]::Matches($f.Text, '(?:\.Failure\(|RunScriptChecked\("[^"]+", )"(\w+)"')) { $m.Groups[1].Value }
        }
        @($sites).Count | Should -BeGreaterThan 50
        @($sites | Group-Object Id | Where-Object Count -gt 1 | ForEach-Object { "$($_.Name): $($_.Group.File -join ', ')" }) | Should -BeNullOrEmpty
        # An id raised both ways has the host failure's category (HostShell's Failure: InvalidOperation) at its one site.
        @($sites | Where-Object { $_.Id -in $failures -and $_.Kind -ne 'InvalidOperation' } | ForEach-Object { "$($_.Id) ($($_.Kind))" }) | Should -BeNullOrEmpty
    }
    It 'the exit codes of ExitCodes.cs are uf_exit''s in lib/proto.sh, name for name' {
        $cs = ($code | Where-Object Name -eq 'ExitCodes.cs').Text
        $csCodes = @{}
        foreach ($m in [regex]::Matches($cs, 'public const int (\w+) = (\d+);')) { $csCodes[$m.Groups[1].Value.ToLowerInvariant()] = [int]$m.Groups[2].Value }
        $sh = Get-Content (Join-Path $src 'UberspaceFlask.Core/Scripts/lib/proto.sh') -Raw
        $body = [regex]::Match($sh, '(?s)uf_exit\(\) \{(.*?)\n\}').Groups[1].Value
        $shCodes = @{ failed = 1 } # uf_exit's fall-through: exit 1
        foreach ($m in [regex]::Matches($body, '\n\s*([a-z-]+)\) exit (\d+) ;;')) { $shCodes[($m.Groups[1].Value -replace '-', '')] = [int]$m.Groups[2].Value }
        $csCodes.Count | Should -BeGreaterThan 8
        ($shCodes.Keys | Sort-Object) -join ',' | Should -Be (($csCodes.Keys | Sort-Object) -join ',')
        foreach ($k in $csCodes.Keys) { "$k=$($shCodes[$k])" | Should -Be "$k=$($csCodes[$k])" }
    }
}
