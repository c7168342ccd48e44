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
