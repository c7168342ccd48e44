# What runs on a host is POSIX sh from src/UberspaceFlask.Core/Scripts: every file, and every script as it is sent
# (lib.sh in front of it), must pass shellcheck with no finding at all, and user values only arrive as positional
# parameters. shellcheck comes from Debian (tests/sandbox/install-deps.sh); its absence is a failure, not a skip.
BeforeDiscovery {
    $script:scriptDir = Join-Path $PSScriptRoot '../src/UberspaceFlask.Core/Scripts'
    $script:scripts = Get-ChildItem $scriptDir -Recurse -Filter '*.sh' | Where-Object Name -ne 'lib.sh' | ForEach-Object {
        @{ Name = [IO.Path]::GetRelativePath($scriptDir, $_.FullName); Path = $_.FullName }
    }
}

BeforeAll {
    $script:scriptDir = Join-Path $PSScriptRoot '../src/UberspaceFlask.Core/Scripts'
    $script:lib = Join-Path $scriptDir 'lib.sh'
    function Invoke-ShellCheck([string] $Path) {
        $out = & shellcheck --shell=sh --severity=style --format=gcc $Path 2>&1
        [pscustomobject]@{ Exit = $LASTEXITCODE; Output = ($out -join "`n") }
    }
}

Describe 'Host scripts' {
    It 'shellcheck is installed' {
        Get-Command shellcheck -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty
    }
    It 'lib.sh passes shellcheck' {
        $r = Invoke-ShellCheck $lib
        $r.Output | Should -BeNullOrEmpty
        $r.Exit | Should -Be 0
    }
    It '<Name> passes shellcheck on its own and as sent (lib.sh in front)' -ForEach $scripts {
        $r = Invoke-ShellCheck $Path
        $r.Output | Should -BeNullOrEmpty
        $sent = Join-Path $TestDrive ($Name -replace '[\\/]', '-')
        Set-Content -Path $sent -Value ((Get-Content $lib -Raw) + "`n" + (Get-Content $Path -Raw)) -NoNewline
        $r = Invoke-ShellCheck $sent
        $r.Output | Should -BeNullOrEmpty
        $r.Exit | Should -Be 0
    }
    It '<Name> names what it does and takes its values as positional parameters' -ForEach $scripts {
        $text = Get-Content $Path -Raw
        $text | Should -Match '^# shellcheck shell=sh'
        # A header comment saying what the script is for and what its parameters are.
        ($text -split "`n")[1] | Should -Match ('^# ' + [regex]::Escape(($Name -replace '\\', '/')) + ': ')
    }
    It 'shellcheck would catch an unquoted expansion of a value read from a host file' {
        $bad = Join-Path $TestDrive 'bad.sh'
        Set-Content $bad "# shellcheck shell=sh`npidf=`$(sed -n 's/^pidfile = //p' uwsgi.ini)`nfind . -newer `$pidf`n"
        (Invoke-ShellCheck $bad).Output | Should -Match 'SC2086'
    }
}

Describe 'lib.sh reads processes from /proc' {
    BeforeAll {
        $script:lib = Join-Path $PSScriptRoot '../src/UberspaceFlask.Core/Scripts/lib.sh'
        # Runs lib.sh, then $Body, with the arguments after it; returns stdout.
        function Invoke-Lib([string] $Body, [string[]] $Arguments) {
            $text = (Get-Content $lib -Raw) + "`n" + $Body
            (& /bin/sh -c $text sh MARK @Arguments) -join "`n"
        }
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

Describe 'lib.sh: the one venv rule' {
    BeforeAll {
        $script:lib = Join-Path $PSScriptRoot '../src/UberspaceFlask.Core/Scripts/lib.sh'
        function Invoke-Lib([string] $Body, [string[]] $Arguments) {
            (& /bin/sh -c ((Get-Content $lib -Raw) + "`n" + $Body) sh MARK @Arguments) -join "`n"
        }
    }
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
