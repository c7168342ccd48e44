# Publish-FlaskApp's decisions without a host: what a project uploads, how its entry is found, and the plan as a pure
# function of the spec, the probed facts (read from a probe's output as the host prints it) and the project.
BeforeAll {
    Import-Module $env:UF_MODULE_PATH -Force
    $script:N = [NullString]::Value
    Import-Module (Join-Path $PSScriptRoot 'CoreTypes.psm1') -Force
    $script:work = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) ("uf-releases-" + [guid]::NewGuid().ToString('N')))).FullName
    function New-Project([hashtable] $Files) {
        $dir = Join-Path $work ([guid]::NewGuid().ToString('N'))
        foreach ($k in $Files.Keys) {
            $path = Join-Path $dir $k
            New-Item -ItemType Directory (Split-Path $path -Parent) -Force | Out-Null
            Set-Content -Path $path -Value $Files[$k] -NoNewline
        }
        $dir
    }
    function Get-Relative([string] $Dir) { @((Get-CoreType ProjectFiles)::Read($Dir, [string[]]@()) | ForEach-Object RelativePath) }

    function New-Spec([int] $Port = 0, [int] $Keep = 5, [string] $Project = $work) {
        (Get-CoreType PublishSpec)::Create('shop', $Project, 'shop:create_app()', $N, 'python3', [string[]]@(), $true,
            $(if ($Port) { [Nullable[int]]$Port } else { $null }), $null, '/', $N, '/health', 60, 2, 0, [string[]]@(), $Keep, 'http://127.0.0.1:18080', $N, $null, 2)
    }
    $script:sha1 = 'a' * 64; $script:sha2 = 'b' * 64; $script:sha3 = 'c' * 64
    function New-Snapshot([hashtable] $Hashes) {
        $fileType = Get-CoreType ProjectFile
        $list = [System.Collections.Generic.List`1].MakeGenericType($fileType)::new()
        foreach ($k in ($Hashes.Keys | Sort-Object)) { $list.Add($fileType::new([string]$k, [string]"/p/$k", [string]$Hashes[$k], [long]10)) }
        (Get-CoreType ProjectSnapshot)::new($list, 'shop:create_app()', 'requirements.txt', [byte[]][Text.Encoding]::UTF8.GetBytes('flask'))
    }
    # A probe's output as releases/probe.sh prints it; the facts are read from it by the one reader.
    function New-Facts([string] $State = '', [string[]] $Infos = @(), [string] $Manifest = '', [string] $Status = '',
        [string] $Backends = "/ apache (default)`n", [string] $Venvs = '', [string] $Lock = '', [string] $SystemUwsgi = '/usr/bin/uwsgi',
        [hashtable] $SlotFiles = @{}) {
        $m = 'ufmarker'
        $text = "@@$m host`nhome=/home/isabell`nroot=/home/isabell/apps/shop`n@@$m python`n3.11.2`n@@$m state`n$State`n@@$m lock`n$Lock`n"
        $text += "@@$m uwsgi`nsystem=$SystemUwsgi`n"
        # Slot files as show_file prints them: "file" and the bytes in base64, or "missing".
        foreach ($k in $SlotFiles.Keys) { $text += "@@$m file:$k`nfile`n$([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($SlotFiles[$k])))`n" }
        foreach ($i in $Infos) { $id = ($i -split "`n")[0] -replace '^id=', ''; $text += "@@$m info:$id`n$i`n" }
        $text += "@@$m venvs`n$Venvs`n@@$m secrets`n`n@@$m manifest`n$Manifest`n@@$m status`n$Status`n@@$m status-exit`nexit=0`n@@$m backends`n$Backends`n@@$m backends-exit`nexit=0`n"
        (Get-CoreType PublishProbe)::Read((Get-CoreType ScriptOutput)::new($text, $m), 'shop', 'isabell@host:22')
    }
    $script:now = [DateTime]::new(2026, 11, 25, 12, 0, 0, [DateTimeKind]::Utc)
    function Plan($Spec, $Facts, $Snapshot, [bool] $BreakLock = $false) { (Get-CoreType PublishPlanner)::Plan($Spec, $Facts, $Snapshot, $now, $BreakLock) }
    function Info([string] $Id, [string] $Status = 'good', [string] $Key = 'k', [string] $Venv = 'v1') { "id=$Id`ncreated=2026-11-24T10:00:00Z`nstatus=$Status`nkey=$Key`nvenv=$Venv`nentry=shop:create_app()" }
    $script:id1 = '20261124T100000000Z-aaaaaa'; $script:id2 = '20261124T110000000Z-bbbbbb'; $script:id3 = '20261124T120000000Z-cccccc'
    $script:id4 = '20261124T130000000Z-dddddd'; $script:id5 = '20261124T140000000Z-eeeeee'; $script:id6 = '20261124T150000000Z-ffffff'
}

AfterAll { if ($work) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue } }

Describe 'What a project uploads' {
    It 'never .git, .env, __pycache__, *.pyc or a virtualenv, whatever it is called' {
        $dir = New-Project @{ 'app.py' = 'app = 1'; '.env' = 'SECRET=1'; '.git/HEAD' = 'x'; 'pkg/__pycache__/m.pyc' = 'x'; 'pkg/m.pyc' = 'x'; 'pkg/m.py' = ''; 'myenv/pyvenv.cfg' = 'x'; 'myenv/lib/x.py' = '' }
        Get-Relative $dir | Should -Be @('app.py', 'pkg/m.py')
    }
    It 'honours .gitignore at every level, negations included' {
        $dir = New-Project @{ 'app.py' = ''; '.gitignore' = "*.log`n!keep.log`nbuild/"; 'a.log' = ''; 'keep.log' = ''; 'build/x.py' = ''; 'sub/.gitignore' = 'secret.txt'; 'sub/secret.txt' = ''; 'sub/ok.txt' = ''; 'secret.txt' = '' }
        Get-Relative $dir | Should -Be @('.gitignore', 'app.py', 'keep.log', 'secret.txt', 'sub/.gitignore', 'sub/ok.txt')
    }
    It 'leaves shared directories out' {
        $dir = New-Project @{ 'app.py' = ''; 'uploads/a.png' = 'x' }
        @((Get-CoreType ProjectFiles)::Read($dir, [string[]]@('uploads')) | ForEach-Object RelativePath) | Should -Be @('app.py')
    }
    It 'refuses a file name with a line break: InvalidProjectFileName' {
        $dir = New-Project @{ 'app.py' = '' }
        Set-Content (Join-Path $dir "bad`nname.txt") 'x'
        Get-ErrorId { (Get-CoreType ProjectFiles)::Read($dir, [string[]]@()) } | Should -Be 'InvalidProjectFileName'
    }
    It 'an empty or missing folder: ProjectEmpty, ProjectNotFound' {
        Get-ErrorId { (Get-CoreType ProjectFiles)::Read((New-Project @{ '.env' = 'x' }), [string[]]@()) } | Should -Be 'ProjectEmpty'
        Get-ErrorId { (Get-CoreType ProjectFiles)::Read((Join-Path $work 'nope'), [string[]]@()) } | Should -Be 'ProjectNotFound'
    }
}

Describe 'A true copy: modes, links and names' {
    It 'a file''s executable bit comes from its mode here, and a mode-only difference makes it travel' {
        $dir = New-Project @{ 'app.py' = 'app = 1'; 'bin/task.sh' = 'echo hi' }
        & chmod 0755 (Join-Path $dir 'bin/task.sh')
        $files = (Get-CoreType ProjectFiles)::Read($dir, [string[]]@())
        ($files | Where-Object RelativePath -eq 'bin/task.sh').Executable | Should -BeTrue
        ($files | Where-Object RelativePath -eq 'app.py').Executable | Should -BeFalse
        $manifest = (Get-CoreType ReleaseManifest)::Render($files)
        $manifest | Should -Match '(?m)^[0-9a-f]{64} \*bin/task\.sh$'
        $manifest | Should -Match '(?m)^[0-9a-f]{64}  app\.py$'
        # The current release holds the same bytes without the bit: the file travels again.
        $old = $manifest -replace ' \*bin/task\.sh', '  bin/task.sh'
        $snapshot = (Get-CoreType ProjectSnapshot)::new($files, 'app:app', $N, $null)
        $plan = Plan (New-Spec) (New-Facts -State "current=$id1`nslot=a`nport=1024`nalternate-port=1025" -Infos @(Info $id1) -Manifest $old) $snapshot
        @($plan.Upload | ForEach-Object RelativePath) | Should -Be @('bin/task.sh')
        @($plan.Link) | Should -Be @('app.py')
    }
    It 'where files carry no mode, the bit comes from git''s index (100755), read from git ls-files -s -z' {
        $out = "100644 $('1' * 40) 0`tapp.py`0100755 $('2' * 40) 0`tbin/task.sh`0120000 $('3' * 40) 0`tstatic/dist`0"
        $modes = (Get-CoreType GitIndex)::ParseLsFiles($out)
        $modes['bin/task.sh'] | Should -Be '100755'
        $modes['static/dist'] | Should -Be '120000'
        $files = Get-CoreType ProjectFiles
        $files::IsExecutable($null, $modes['bin/task.sh']) | Should -BeTrue
        $files::IsExecutable($null, $modes['app.py']) | Should -BeFalse
        $files::IsExecutable($null, $null) | Should -BeFalse
        # Where the file has a mode, the mode decides.
        $files::IsExecutable($false, '100755') | Should -BeFalse
        $files::IsExecutable($true, '100644') | Should -BeTrue
        # In a real checkout: git ls-files names paths relative to the folder it runs in.
        $dir = New-Project @{ 'sub/app.py' = 'app = 1'; 'sub/run.sh' = 'x' }
        & git -C $dir init -q; & git -C $dir add .; & git -C $dir update-index --chmod=+x sub/run.sh
        ((Get-CoreType GitIndex)::Modes((Join-Path $dir 'sub')))['run.sh'] | Should -Be '100755'
    }
    It 'a link''s target lands inside the project or the link is refused: <Link> -> <Target>' -ForEach @(
        @{ Link = 'static/dist'; Target = '../frontend/dist'; Inside = 'frontend/dist' }
        @{ Link = 'a/b/c'; Target = '../../x'; Inside = 'x' }
        @{ Link = 'l'; Target = './x/./y'; Inside = 'x/y' }
        @{ Link = 'l'; Target = '../x'; Inside = $null }
        @{ Link = 'a/l'; Target = '../../x'; Inside = $null }
        @{ Link = 'l'; Target = '/etc/passwd'; Inside = $null }
        @{ Link = 'l'; Target = 'C:\x'; Inside = $null }
    ) {
        (Get-CoreType ProjectFiles)::LinkInside($Link, $Target) | Should -Be $Inside
    }
    It 'a link inside the project travels as a link, file or folder; one outside or absolute is refused by name: ProjectLinkOutside' {
        $dir = New-Project @{ 'app.py' = 'app = 1'; 'frontend/dist/app.js' = 'js'; 'conf/base.txt' = 'b' }
        New-Item -ItemType SymbolicLink (Join-Path $dir 'static/dist') -Target '../frontend/dist' -Force | Out-Null
        New-Item -ItemType SymbolicLink (Join-Path $dir 'conf/current.txt') -Target 'base.txt' | Out-Null
        $files = (Get-CoreType ProjectFiles)::Read($dir, [string[]]@())
        ($files | Where-Object RelativePath -eq 'static/dist').LinkTarget | Should -Be '../frontend/dist'
        ($files | Where-Object RelativePath -eq 'conf/current.txt').LinkTarget | Should -Be 'base.txt'
        (Get-CoreType ReleaseManifest)::RenderLinks($files) | Should -Be "conf/current.txt`nbase.txt`nstatic/dist`n../frontend/dist`n"
        (Get-CoreType ReleaseManifest)::Render($files) | Should -Not -Match 'dist$|current\.txt'
        $key = Join-Path $work 'id_private'; Set-Content $key 'PRIVATE KEY'
        New-Item -ItemType SymbolicLink (Join-Path $dir 'key.pem') -Target $key | Out-Null
        $e = Get-CoreError { (Get-CoreType ProjectFiles)::Read($dir, [string[]]@()) }
        $e.ErrorId | Should -Be 'ProjectLinkOutside'
        $e.Message | Should -Match "'key\.pem'.*absolute path"
        Remove-Item (Join-Path $dir 'key.pem')
        New-Item -ItemType SymbolicLink (Join-Path $dir 'up.txt') -Target '../id_private' | Out-Null
        (Get-CoreError { (Get-CoreType ProjectFiles)::Read($dir, [string[]]@()) }).Message | Should -Match "'up\.txt'.*outside the project"
    }
    It 'a link that climbs out through another link is refused, though its text stays inside' {
        $dir = New-Project @{ 'app.py' = 'app = 1'; 'p/q/x' = 'x' }
        New-Item -ItemType SymbolicLink (Join-Path $dir 'p/q/a') -Target '../..' | Out-Null
        New-Item -ItemType SymbolicLink (Join-Path $dir 'p/q/l') -Target 'a/../x' | Out-Null
        (Get-CoreType ProjectFiles)::LinkInside('p/q/l', 'a/../x') | Should -Be 'p/q/x'
        Get-ErrorId { (Get-CoreType ProjectFiles)::Read($dir, [string[]]@()) } | Should -Be 'ProjectLinkOutside'
    }
    It 'a name with a backslash is written as sha256sum writes it, and read back the same' {
        $f = (Get-CoreType ProjectFile)::new('dir/back\slash.txt', '/p', $sha1, [long]1, $true, $N)
        $one = [Array]::CreateInstance((Get-CoreType ProjectFile), 1); $one[0] = $f
        $text = (Get-CoreType ReleaseManifest)::Render($one)
        $text | Should -Be ("\$sha1 *dir/back\\slash.txt`n")
        $read = (Get-CoreType ReleaseManifest)::Read($text)
        $read['dir/back\slash.txt'] | Should -Be "$sha1*"
        # A manifest of an earlier version (no flag) reads as not executable.
        (Get-CoreType ReleaseManifest)::Read("$sha2  app.py`n")['app.py'] | Should -Be "$sha2 "
    }
    It 'the archive is as long as said, and GNU tar reads every name, mode and link in it' {
        $long = ('d' * 60) + '/' + ('ü' * 40) + '.txt'
        $dir = New-Project @{ 'app.py' = 'app = 1'; '+page.py' = 'p'; 'bin/run.sh' = 'echo'; $long = 'long' }
        & chmod 0755 (Join-Path $dir 'bin/run.sh')
        New-Item -ItemType SymbolicLink (Join-Path $dir 'link') -Target ('bin/' + ('x' * 120)) | Out-Null
        $files = (Get-CoreType ProjectFiles)::Read($dir, [string[]]@())
        $tar = Join-Path $work 'a.tar'
        $stream = [IO.File]::Create($tar)
        try { (Get-CoreType ReleaseArchive)::Write($stream, $files, $null) } finally { $stream.Dispose() }
        (Get-Item $tar).Length | Should -Be ((Get-CoreType ReleaseArchive)::Length($files))
        $out = Join-Path $work 'x'; New-Item -ItemType Directory $out | Out-Null
        & tar -x -p -f $tar -C $out; $LASTEXITCODE | Should -Be 0
        Get-Content -Raw (Join-Path $out $long) | Should -Be 'long'
        Get-Content -Raw (Join-Path $out '+page.py') | Should -Be 'p'
        (& stat -c %a (Join-Path $out 'bin/run.sh')) | Should -Be '755'
        (& stat -c %a (Join-Path $out 'app.py')) | Should -Be '644'
        (& readlink (Join-Path $out 'link')) | Should -Be ('bin/' + ('x' * 120))
    }
}

Describe 'Finding the entry as the flask command does' {
    It '<Files> gives <Entry>' -ForEach @(
        @{ Files = @{ 'app.py' = "from flask import Flask`napp = Flask(__name__)" }; Entry = 'app:app' }
        @{ Files = @{ 'wsgi.py' = "application = make()"; 'app.py' = 'app = 1' }; Entry = 'wsgi:application' }
        @{ Files = @{ 'app.py' = "def create_app():`n    pass" }; Entry = 'app:create_app()' }
        @{ Files = @{ 'shop/__init__.py' = "def create_app(test_config=None):`n    pass"; 'shop/views.py' = '' }; Entry = 'shop:create_app()' }
        @{ Files = @{ 'blog/__init__.py' = "def make_app():`n    pass" }; Entry = 'blog:make_app()' }
    ) {
        $dir = New-Project $Files
        (Get-CoreType EntryPoint)::Detect($dir, (Get-CoreType ProjectFiles)::Read($dir, [string[]]@())) | Should -Be $Entry
    }
    It 'no app anywhere: EntryNotFound' {
        $dir = New-Project @{ 'lib.py' = 'x = 1' }
        Get-ErrorId { (Get-CoreType EntryPoint)::Detect($dir, (Get-CoreType ProjectFiles)::Read($dir, [string[]]@())) } | Should -Be 'EntryNotFound'
    }
    It 'a given -Entry is checked: <Entry> is <Id>' -ForEach @(
        @{ Entry = 'shop:create_app()'; Id = 'no error' }, @{ Entry = 'app'; Id = 'no error' }
        @{ Entry = 'shop:create_app(1)'; Id = 'InvalidEntry' }, @{ Entry = "app:app`n"; Id = 'InvalidEntry' }, @{ Entry = 'os;rm'; Id = 'InvalidEntry' }
    ) {
        Get-ErrorId { (Get-CoreType EntryPoint)::Validate($Entry) } | Should -Be $Id
    }
}

Describe 'Publish-FlaskApp''s input' {
    It '<What> is refused with <Id>' -ForEach @(
        @{ What = 'a shared path outside the project'; Id = 'InvalidSharedPath'; Call = { (Get-CoreType PublishSpec)::Create('shop', $work, $N, $N, 'python3', $null, $false, 1024, $null, '/', $N, '/', 60, 1, 0, [string[]]@('../etc'), 5, $N, $N, $null, 2) } }
        @{ What = 'the same port twice'; Id = 'InvalidAlternatePort'; Call = { (Get-CoreType PublishSpec)::Create('shop', $work, $N, $N, 'python3', $null, $false, 1024, 1024, '/', $N, '/', 60, 1, 0, $null, 5, $N, $N, $null, 2) } }
        @{ What = 'a health path with a line break'; Id = 'InvalidHealthPath'; Call = { (Get-CoreType PublishSpec)::Create('shop', $work, $N, $N, 'python3', $null, $false, 1024, $null, '/', $N, "/health`n", 60, 1, 0, $null, 5, $N, $N, $null, 2) } }
        @{ What = 'keeping one release'; Id = 'InvalidKeepReleases'; Call = { (Get-CoreType PublishSpec)::Create('shop', $work, $N, $N, 'python3', $null, $false, 1024, $null, '/', $N, '/', 60, 1, 0, $null, 1, $N, $N, $null, 2) } }
        @{ What = 'a secret named UF_ENTRY'; Id = 'InvalidSecretName'; Call = { (Get-CoreType Secrets)::ValidateName('UF_ENTRY') } }
        @{ What = 'a secret name with a space'; Id = 'InvalidSecretName'; Call = { (Get-CoreType Secrets)::ValidateName('A B') } }
    ) {
        Get-ErrorId $Call | Should -Be $Id
    }
}

Describe 'The publish plan' {
    It 'a python that does not run on the host: PythonNotFound, naming what it said' {
        $facts = New-Facts
        $facts.PythonVersion = $null; $facts.PythonError = 'sh: 1: python9: not found'
        Get-ErrorId { Plan (New-Spec -Port 10500) $facts (New-Snapshot @{ 'app.py' = $sha1 }) } | Should -Be 'PythonNotFound'
        { Plan (New-Spec -Port 10500) $facts (New-Snapshot @{ 'app.py' = $sha1 }) } | Should -Throw '*python9: not found*'
    }
    It 'the probe reads a python version, and anything else as the error' {
        (New-Facts).PythonVersion | Should -Be '3.11.2'
    }
    It 'the first publish needs -Port: PortRequired' {
        Get-ErrorId { Plan (New-Spec) (New-Facts) (New-Snapshot @{ 'app.py' = $sha1 }) } | Should -Be 'PortRequired'
    }
    It 'the first publish uploads everything, builds the venv and goes live on slot a' {
        $plan = Plan (New-Spec -Port 10500) (New-Facts) (New-Snapshot @{ 'app.py' = $sha1; 'requirements.txt' = $sha2 })
        $plan.Unchanged | Should -BeFalse
        $plan.Upload.Count | Should -Be 2
        $plan.VenvReused | Should -BeFalse
        $plan.Slot | Should -Be 'a'
        $plan.SlotPort | Should -Be 10500
        $plan.NewState.AlternatePort | Should -Be 10501
        $plan.Changes.Action | Should -Be @('Upload files', 'Build venv', 'Create file', 'Create file', 'Start slot', 'Run')
        $plan.BackendCommand | Should -Be 'uberspace web backend set / --http --port 10500'
    }
    Context 'with a release live on slot a' {
        BeforeAll {
            $script:snapshot = New-Snapshot @{ 'app.py' = $sha1; 'static/a.css' = $sha2 }
            $script:spec = New-Spec
            $script:venv = (Get-CoreType PublishPlanner)::VenvKey($spec, '3.11.2', [Text.Encoding]::UTF8.GetBytes('flask'))
            $manifest = (Get-CoreType ReleaseManifest)::Render($snapshot.Files)
            $script:key = (Get-CoreType PublishPlanner)::DeployKey($spec, $manifest, 'shop:create_app()', $venv, '', 10500, 10501)
            $script:state = "current=$id2`nprevious=$id1`nslot=a`nport=10500`nalternate-port=10501`ntarget=/"
            $script:infos = @((Info $id1 -Venv $venv), (Info $id2 -Key $key -Venv $venv))
            $script:serving = @{ Status = "shop-a                           RUNNING   pid 7, uptime 0:10:00`nshop-b                           STOPPED   Not started"; Backends = "/ http:10500 => OK, listening: PID 7, uwsgi`n" }
        }
        It 'when the backend points at the slot the state calls idle and it runs (a switch cut off), that slot is left alone' {
            $swapped = @{ Status = "shop-a                           RUNNING   pid 7, uptime 0:10:00`nshop-b                           RUNNING   pid 8, uptime 0:00:10"; Backends = "/ http:10501 => OK, listening: PID 8, uwsgi`n" }
            $plan = Plan $spec (New-Facts -State $state -Infos $infos -Manifest $manifest -Venvs $venv @swapped) $snapshot
            $plan.Unchanged | Should -BeFalse
            $plan.LiveSlot | Should -Be 'b'
            $plan.Slot | Should -Be 'a'
            $plan.SlotPort | Should -Be 10500
            $plan.NewState.Slot | Should -Be 'a'
        }
        It 'the same project again is Unchanged' {
            $plan = Plan $spec (New-Facts -State $state -Infos $infos -Manifest $manifest -Venvs $venv @serving) $snapshot
            $plan.Unchanged | Should -BeTrue
            $plan.Changes.Count | Should -Be 0
        }
        It 'the same project is deployed again when the live slot is down' {
            $plan = Plan $spec (New-Facts -State $state -Infos $infos -Manifest $manifest -Venvs $venv -Status 'shop-a FATAL Exited too quickly' -Backends $serving.Backends) $snapshot
            $plan.Unchanged | Should -BeFalse
        }
        It 'the same project is deployed again when the backend points elsewhere' {
            $plan = Plan $spec (New-Facts -State $state -Infos $infos -Manifest $manifest -Venvs $venv -Status $serving.Status -Backends "/ apache (default)`n") $snapshot
            $plan.Unchanged | Should -BeFalse
        }
        It 'a changed file travels, unchanged ones are linked, removed ones are listed; the venv is reused; slot b goes live' {
            $old = "$sha1  app.py`n$sha3  old.py`n$sha2  static/a.css`n"
            $plan = Plan $spec (New-Facts -State $state -Infos $infos -Manifest $old -Venvs $venv @serving) (New-Snapshot @{ 'app.py' = $sha3; 'static/a.css' = $sha2 })
            @($plan.Upload.RelativePath) | Should -Be @('app.py')
            @($plan.Link) | Should -Be @('static/a.css')
            @($plan.Removed) | Should -Be @('old.py')
            $plan.VenvReused | Should -BeTrue
            $plan.Slot | Should -Be 'b'
            $plan.SlotPort | Should -Be 10501
            $plan.NewState.Previous | Should -Be $id2
            $plan.Changes.Action | Should -Be @('Upload files', 'Reuse venv', 'Create file', 'Create file', 'Start slot', 'Run', 'Create file', 'Stop slot')
        }
        It 'a held lock refuses the publish, naming the holder: PublishLocked; -BreakLock goes ahead' {
            $facts = New-Facts -State $state -Infos $infos -Manifest '' -Venvs $venv -Lock "held`nroot@ci pid 42 since 2026-11-25T10:00:00Z" @serving
            Get-ErrorId { Plan $spec $facts (New-Snapshot @{ 'app.py' = $sha3 }) } | Should -Be 'PublishLocked'
            { Plan $spec $facts (New-Snapshot @{ 'app.py' = $sha3 }) } | Should -Throw '*root@ci pid 42*'
            (Plan $spec $facts (New-Snapshot @{ 'app.py' = $sha3 }) $true).Unchanged | Should -BeFalse
        }
        It 'a changed secret is not Unchanged' {
            $facts = New-Facts -State $state -Infos $infos -Manifest $manifest -Venvs $venv @serving
            $facts.SecretsHash = 'f' * 64
            (Plan $spec $facts $snapshot).Unchanged | Should -BeFalse
        }
    }
    It 'prunes beyond -KeepReleases good ones, never current or previous, failed ones counted apart, unused venvs with them' {
        $infos = @((Info $id1 -Venv 'v1'), (Info $id2 -Venv 'v2'), (Info $id3 -Status failed -Venv 'v3'), (Info $id4 -Status failed -Venv 'v2'), (Info $id5 -Status failed -Venv 'v2'), (Info $id6 -Venv 'v2'))
        $facts = New-Facts -State "current=$id6`nprevious=$id1`nslot=a`nport=10500`nalternate-port=10501" -Infos $infos -Venvs "v1`nv2`nv3"
        $r = (Get-CoreType PublishPlanner)::PlanPrune($facts, 2, $N)
        @($r.Item1) | Should -Be @($id2, $id3)
        @($r.Item2) | Should -Be @('v3')
    }
}

Describe 'What the plan decides about the slot' {
    BeforeAll {
        function Slot-Plan([hashtable] $Facts = @{}, [string] $Requirements = 'flask', $Spec = (New-Spec -Port 10500), [string] $Frontend = $N) {
            $snap = New-Snapshot @{ 'app.py' = $sha1 }
            $snap = (Get-CoreType ProjectSnapshot)::new($snap.Files, 'shop:create_app()', 'requirements.txt', [byte[]][Text.Encoding]::UTF8.GetBytes($Requirements))
            (Get-CoreType PublishPlanner)::Plan($Spec, (New-Facts @Facts), $snap, $now, $false, $Frontend)
        }
    }
    It 'a system uWSGI with the python3 plugin when the requirements do not install one' {
        $plan = Slot-Plan
        $plan.SlotUwsgi | Should -Be '/usr/bin/uwsgi'
        @($plan.SlotPlugins) | Should -Be @('python3')
        $plan.SlotIni.Content | Should -Match '(?m)^plugins = python3$'
    }
    It 'the venv''s own uWSGI when the requirements name it, and no plugin' {
        $plan = Slot-Plan -Requirements "flask>=3`nuWSGI==2.0.28 ; python_version>'3'"
        $plan.SlotUwsgi | Should -Be "/home/isabell/apps/shop/venvs/$($plan.VenvKey)/bin/uwsgi"
        @($plan.SlotPlugins).Count | Should -Be 0
        $plan.SlotIni.Content | Should -Not -Match 'plugins ='
        (Get-CoreType PublishPlanner)::NamesUwsgi([Text.Encoding]::UTF8.GetBytes('uwsgitop')) | Should -BeFalse
    }
    It 'the venv''s path when nothing else has one (the seal step checks pip put it there)' {
        (Slot-Plan -Facts @{ SystemUwsgi = '' }).SlotUwsgi | Should -Match '/venvs/[0-9a-f]{16}/bin/uwsgi$'
    }
    It 'a reused venv''s uWSGI when the probe saw one in it' {
        $venv = (Get-CoreType PublishPlanner)::VenvKey((New-Spec), '3.11.2', [Text.Encoding]::UTF8.GetBytes('flask'))
        (Slot-Plan -Facts @{ Venvs = "$venv uwsgi" }).SlotUwsgi | Should -Be "/home/isabell/apps/shop/venvs/$venv/bin/uwsgi"
    }
    It 'renders both slot files through their owners: the uwsgi ini on the slot''s port, the service running it' {
        $plan = Slot-Plan
        $plan.SlotIni.Path | Should -Be '/home/isabell/apps/shop/slot-a.ini'
        $plan.SlotIni.Content | Should -Match '(?m)^http-socket = :10500$'
        $plan.SlotIni.Content | Should -Match "(?m)^chdir = /home/isabell/apps/shop/releases/$($plan.ReleaseId)$"
        $plan.SlotIni.Content | Should -Match '(?m)^pidfile = /home/isabell/apps/shop/slot-a\.pid$'
        $plan.SlotIni.Content | Should -Match '(?m)^# Written by UberspaceFlask; edits are kept unless you use -Force\. sha256:'
        $plan.SlotService.Path | Should -Be '/home/isabell/etc/services.d/shop-a.ini'
        $plan.SlotService.Content | Should -Match '(?m)^command=/usr/bin/uwsgi slot-a\.ini$'
        $plan.SlotService.Content | Should -Match '(?m)^directory=%\(ENV_HOME\)s/apps/shop$'
        $plan.SlotService.Content | Should -Not -Match 'autostart'
        $plan.SlotServiceIdle | Should -Match '(?m)^autostart=false$'
    }
    It 'the health URLs: the slot''s own port, then the frontend (given, the session''s, or https://USER.uber.space)' {
        $spec = (Get-CoreType PublishSpec)::Create('shop', $work, 'shop:create_app()', $N, 'python3', [string[]]@(), $true,
            [Nullable[int]]10500, $null, '/sub', $N, '/health', 60, 2, 0, [string[]]@(), 5, $N, $N, $null, 2)
        $plan = Slot-Plan -Spec $spec
        $plan.HealthUrlPath | Should -Be '/sub/health'
        $plan.FrontendHealthUrl | Should -Be 'https://isabell.uber.space/sub/health'
        (Slot-Plan -Spec $spec -Frontend 'http://127.0.0.1:18080').FrontendHealthUrl | Should -Be 'http://127.0.0.1:18080/sub/health'
        (Slot-Plan -Spec (New-Spec -Port 10500) -Frontend 'http://127.0.0.1:1').FrontendHealthUrl | Should -Be 'http://127.0.0.1:18080/health'
    }
    It 'a slot file edited by hand is ConfigEditedByHand; -Force replaces it and keeps a backup' {
        $written = (Slot-Plan).SlotService.Content
        $edited = $written -replace 'startsecs=5', "startsecs=5`nenvironment=FOO=1"
        Get-ErrorId { Slot-Plan -Facts @{ SlotFiles = @{ 'slot-service:a' = $edited } } } | Should -Be 'ConfigEditedByHand'
        $force = (Get-CoreType PublishSpec)::Create('shop', $work, 'shop:create_app()', $N, 'python3', [string[]]@(), $true,
            [Nullable[int]]10500, $null, '/', $N, '/health', 60, 2, 0, [string[]]@(), 5, 'http://127.0.0.1:18080', $N, $null, 2, $true)
        (Slot-Plan -Spec $force -Facts @{ SlotFiles = @{ 'slot-service:a' = $edited } }).SlotService.BackupPath | Should -Be '/home/isabell/etc/services.d/shop-a.ini.uf-backup'
        # What the module itself wrote is replaced without a word; so is what an earlier version wrote (its header, no seal).
        (Slot-Plan -Facts @{ SlotFiles = @{ 'slot-service:a' = $written } }).SlotService.Kind | Should -Be 'Unchanged'
        $legacy = "# Written by UberspaceFlask's Publish-FlaskApp: slot a of shop.`n[program:shop-a]`ncommand=/usr/bin/uwsgi slot-a.ini`n"
        (Slot-Plan -Facts @{ SlotFiles = @{ 'slot-service:a' = $legacy } }).SlotService.Kind | Should -Be 'Update'
        (Slot-Plan -Facts @{ SlotFiles = @{ 'slot-service:a' = $legacy } }).Changes | Where-Object Action -eq 'Overwrite file' | Should -Not -BeNullOrEmpty
    }
}

Describe 'The publish lock''s holder line and the secrets file (their one owner each)' {
    It 'a client''s line and the cleanup''s are read back with their time; the probe''s section tells them apart' {
        $lock = Get-CoreType PublishLock
        $t = [datetime]::new(2026, 11, 27, 10, 0, 0, [DateTimeKind]::Utc)
        $client = $lock::ForClient('ana', 'laptop', 42, $t)
        $client | Should -Be 'ana@laptop pid 42 since 2026-11-27T10:00:00Z'
        $held = $lock::Read("held`n$client`n")
        $held.IsCleanup | Should -BeFalse
        $held.Holder | Should -Be $client
        $held.Age($t.AddMinutes(90)).TotalMinutes | Should -Be 90
        $cleanup = $lock::Read("cleanup`n" + $lock::ForCleanup('20261127T100000000Z-abcdef', 'shop-a', 5, $t))
        $cleanup.IsCleanup | Should -BeTrue
        $cleanup.Holder | Should -Be 'the cleanup after release 20261127T100000000Z-abcdef (stopping shop-a after 5 s, then pruning), since 2026-11-27T10:00:00Z'
        $cleanup.Since | Should -Be $t
        $lock::ForCleanup('20261127T100000000Z-abcdef', '', 5, $t) | Should -Be 'the cleanup after release 20261127T100000000Z-abcdef (then pruning), since 2026-11-27T10:00:00Z'
        $lock::Read('') | Should -BeNullOrEmpty
        # A holder line without a time (written by hand, say) is still a held lock, of unknown age.
        $odd = $lock::Read("held`nsomebody")
        $odd.Holder | Should -Be 'somebody'
        $odd.Age($t) | Should -BeNullOrEmpty
    }
    It 'a secret''s line: NAME= and the value in base64, any byte; its fingerprint is the value''s SHA-256' {
        $file = Get-CoreType SecretsFile
        [byte[]] $value = 0, 10, 61, 255
        $file::Line('API_TOKEN', $value) | Should -Be 'API_TOKEN=AAo9/w=='
        $file::Fingerprint($value) | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($value)).ToLowerInvariant())
    }
}

Describe 'Secrets, planned' {
    BeforeAll {
        $script:value = [Text.Encoding]::UTF8.GetBytes('s3cret')
        $entry = (Get-CoreType SecretEntry)
        $script:list = [System.Collections.Generic.List`1].MakeGenericType($entry)::new()
        $list.Add($entry::new('API_TOKEN', [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($value)).ToLowerInvariant()))
        $list.Add($entry::new('OTHER', 'f' * 64))
    }
    It 'the same value again changes nothing; a new or other value is one change that never shows the value' {
        @((Get-CoreType Secrets)::PlanSet($list, 'shop', 'API_TOKEN', $value)).Count | Should -Be 0
        $replace = @((Get-CoreType Secrets)::PlanSet($list, 'shop', 'OTHER', $value))
        $replace.Action | Should -Be 'Replace secret'
        $new = @((Get-CoreType Secrets)::PlanSet($list, 'shop', 'NEW', $value))
        $new.Action | Should -Be 'Set secret'
        "$($new.Target) $($replace.Target)" | Should -Not -Match 's3cret'
    }
    It 'removing one the host does not have: SecretNotFound, before anything runs' {
        Get-ErrorId { (Get-CoreType Secrets)::PlanRemove($list, 'shop', 'NOPE', 'isabell@host:22') } | Should -Be 'SecretNotFound'
        @((Get-CoreType Secrets)::PlanRemove($list, 'shop', 'OTHER', 'isabell@host:22')).Action | Should -Be 'Remove secret'
    }
}

Describe 'Undo-FlaskDeployment''s plan' {
    BeforeAll {
        $script:state = "current=$id2`nprevious=$id1`nslot=b`nport=10500`nalternate-port=10501"
        $script:serving = @{ Status = "shop-b RUNNING   pid 7, uptime 0:10:00"; Backends = "/ http:10501 => OK, listening: PID 7, uwsgi`n" }
    }
    It 'goes back to the previous release on the idle slot, without upload or venv' {
        $plan = (Get-CoreType PublishPlanner)::PlanUndo((New-Spec), (New-Facts -State $state -Infos @((Info $id1), (Info $id2)) -Venvs 'v1' @serving), $N, $false)
        $plan.ReleaseId | Should -Be $id1
        $plan.Slot | Should -Be 'a'
        $plan.Upload.Count | Should -Be 0
        $plan.StagesFiles | Should -BeFalse
        "$($plan.LiveOutcome)" | Should -Be 'Restored'
        $plan.Changes.Action | Should -Be @('Create file', 'Create file', 'Start slot', 'Run', 'Create file', 'Stop slot')
    }
    It '<Case>: <Id>' -ForEach @(
        @{ Case = 'no previous release'; Id = 'ReleaseNotFound'; State = "current=$('20261124T110000000Z-bbbbbb')`nslot=b`nport=10500"; Infos = @("id=20261124T110000000Z-bbbbbb`nstatus=good`nvenv=v1") }
        @{ Case = 'a failed release'; Id = 'ReleaseNotGood'; State = "current=20261124T110000000Z-bbbbbb`nprevious=20261124T100000000Z-aaaaaa`nslot=b`nport=10500"; Infos = @("id=20261124T100000000Z-aaaaaa`nstatus=failed`nvenv=v1", "id=20261124T110000000Z-bbbbbb`nstatus=good`nvenv=v1") }
        @{ Case = 'its venv is gone'; Id = 'ReleaseVenvMissing'; State = "current=20261124T110000000Z-bbbbbb`nprevious=20261124T100000000Z-aaaaaa`nslot=b`nport=10500"; Infos = @("id=20261124T100000000Z-aaaaaa`nstatus=good`nvenv=gone", "id=20261124T110000000Z-bbbbbb`nstatus=good`nvenv=v1") }
    ) {
        Get-ErrorId { (Get-CoreType PublishPlanner)::PlanUndo((New-Spec), (New-Facts -State $State -Infos $Infos -Venvs 'v1'), $N, $false) } | Should -Be $Id
    }
}

Describe 'The slots as their uWSGI masters report them, so supervisorctl is asked only when that is not enough' {
    BeforeAll {
        # releases/probe.sh without 'ask': no status section; a master:SLOT section per slot whose pidfile names a
        # live child of supervisord, and the listening sockets.
        function Read-Slots([string] $Masters, [string] $Listeners, [string] $Backends, [string] $State = "current=$id1`nslot=a`nport=10500`nalternate-port=10501") {
            $m = 'ufmarker'
            $text = "@@$m host`nhome=/home/isabell`nroot=/home/isabell/apps/shop`n@@$m python`n3.11.2`n@@$m state`n$State`n@@$m info:$id1`n$(Info $id1)`n"
            $text += "$Masters@@$m listeners`n$Listeners`n@@$m backends`n$Backends`n@@$m backends-exit`nexit=0`n"
            (Get-CoreType PublishProbe)::Read((Get-CoreType ScriptOutput)::new($text, 'ufmarker'), 'shop', 'isabell@host:22')
        }
        $script:masterA = "@@ufmarker master:a`npid=4242`nelapsed=3:10`n"
        $script:onA = 'LISTEN 0 100 0.0.0.0:10500 0.0.0.0:* users:(("uwsgi",pid=4243,fd=3),("uwsgi",pid=4242,fd=3))'
    }
    It 'the live slot''s master answering on its port, the backend on it: known, RUNNING, no supervisorctl' {
        $f = Read-Slots $masterA $onA "/ http:10500 => OK, listening: PID 4242, uwsgi`n"
        $f.SlotsAsked | Should -BeFalse
        $f.SlotsKnown('shop') | Should -BeTrue
        $f.SlotState('a', 'shop') | Should -Be 'RUNNING'
        $f.SlotState('b', 'shop') | Should -Be 'NOTFOUND'
    }
    It 'asks supervisorctl when <Case>' -ForEach @(
        @{ Case = 'the live slot''s master did not report'; Masters = ''; Listeners = 'LISTEN 0 100 0.0.0.0:10500 0.0.0.0:* users:(("uwsgi",pid=4242,fd=3))'; Backends = "/ http:10500 => OK`n" }
        @{ Case = 'another process holds the live port'; Masters = "@@ufmarker master:a`npid=4242`nelapsed=3:10`n"; Listeners = 'LISTEN 0 100 0.0.0.0:10500 0.0.0.0:* users:(("python3",pid=777,fd=3))'; Backends = "/ http:10500 => OK`n" }
        @{ Case = 'a backend points at the other slot''s port'; Masters = "@@ufmarker master:a`npid=4242`nelapsed=3:10`n"; Listeners = 'LISTEN 0 100 0.0.0.0:10500 0.0.0.0:* users:(("uwsgi",pid=4242,fd=3))'; Backends = "/ http:10501 => OK`n" }
    ) {
        (Read-Slots $Masters $Listeners $Backends).SlotsKnown('shop') | Should -BeFalse
    }
    It 'a first publish needs no word about slots; supervisorctl''s, when asked, is the one that counts' {
        (Read-Slots '' '' "/ apache (default)`n" -State '').SlotsKnown('shop') | Should -BeTrue
        $f = New-Facts -State "current=$id1`nslot=a`nport=10500`nalternate-port=10501" -Infos @(Info $id1) -Status "shop-a STOPPED Nov 25 12:00 PM`n"
        $f.SlotsAsked | Should -BeTrue
        $f.SlotsKnown('shop') | Should -BeTrue
        $f.SlotState('a', 'shop') | Should -Be 'STOPPED'
    }
}

Describe 'The readers of the publish directory''s files' {
    It 'PublishState reads back what it renders' {
        $t = Get-CoreType PublishState
        $s = $t::new(); $s.Current = $id2; $s.Previous = $id1; $s.Slot = 'b'; $s.Port = 10500; $s.AlternatePort = 10501; $s.Target = 'example.org/shop'
        $s.WebPath = '/shop'; $s.Domain = 'example.org'; $s.HealthPath = '/health'; $s.Processes = 3; $s.Threads = 2
        $back = $t::Read($s.Render())
        $back.Render() | Should -Be $s.Render()
        $back.PortOf('b') | Should -Be 10501
        $back.HealthPath | Should -Be '/health'
        $back.Processes | Should -Be 3
    }
    It 'Undo and Restart rebuild the spec from the state file: its values where nothing was given, what was given otherwise' {
        $t = Get-CoreType PublishState
        $none = [NullString]::Value   # a .NET string argument that is null, not PowerShell's ''
        $st = $t::new(); $st.WebPath = '/shop'; $st.Domain = 'example.org'; $st.HealthPath = '/health'; $st.Processes = 3; $st.Threads = 2
        $spec = (Get-CoreType PublishSpec)::AsPublished('shop', $st, $none, $none, $none, 30, $null, $null, $none, $none, $null, 2, $false, $null)
        $spec.WebPath | Should -Be '/shop'; $spec.Domain | Should -Be 'example.org'; $spec.HealthPath | Should -Be '/health'
        $spec.Processes | Should -Be 3; $spec.Threads | Should -Be 2
        $given = (Get-CoreType PublishSpec)::AsPublished('shop', $st, '/other', $none, '/up', 30, 1, 0, $none, $none, $null, 2, $false, $null)
        $given.WebPath | Should -Be '/other'; $given.HealthPath | Should -Be '/up'; $given.Processes | Should -Be 1; $given.Threads | Should -Be 0
        $empty = (Get-CoreType PublishSpec)::AsPublished('shop', $t::new(), $none, $none, $none, 30, $null, $null, $none, $none, $null, 2, $false, $null)
        $empty.WebPath | Should -Be '/'; $empty.Processes | Should -Be 2
        Get-ErrorId { (Get-CoreType PublishSpec)::AsPublished('shop', $t::new(), 'no-slash', $none, $none, 30, $null, $null, $none, $none, $null, 2, $false, $null) } | Should -Not -Be 'no error'
    }
    It 'ReleaseManifest is sha256sum''s format and reads back, paths with spaces included' {
        $snap = New-Snapshot @{ 'a b.txt' = $sha1; 'app.py' = $sha2 }
        $text = (Get-CoreType ReleaseManifest)::Render($snap.Files)
        $text | Should -Be "$sha1  a b.txt`n$sha2  app.py`n"
        $map = (Get-CoreType ReleaseManifest)::Read($text)
        $map['a b.txt'] | Should -Be "$sha1 "
    }
}

Describe 'Running a published app day to day, decided without a host' {
    BeforeAll {
        $script:serving = @{ Status = "shop-b RUNNING   pid 7, uptime 0:10:00"; Backends = "/ http:10501 => OK, listening: PID 7, uwsgi`n" }
        $script:liveState = "current=$id2`nprevious=$id1`nslot=b`nport=10500`nalternate-port=10501"
        function script:New-CommandSpec([object[]] $Words) {
            (Get-CoreType PublishSpec)::Create('shop', $work, 'shop:create_app()', $N, 'python3', [string[]]@(), $true,
                $null, $null, '/', $N, '/health', 60, 2, 0, [string[]]@(), 5, 'http://127.0.0.1:18080', $N, $null, 2, $false, [string[]]$Words)
        }
    }
    It 'a release command is an argv: encoded a word per line, an empty word kept; no words or a line break is InvalidReleaseCommand' {
        (Get-CoreType CommandWords)::Encode([string[]]@('flask', 'db', '', 'it''s $(x)')) | Should -Be "=flask`n=db`n=`n=it's `$(x)"
        (Get-CoreType CommandWords)::Display([string[]]@('flask', 'db upgrade')) | Should -Be "flask 'db upgrade'"
        Get-ErrorId { New-CommandSpec @() } | Should -Be 'InvalidReleaseCommand'
        Get-ErrorId { New-CommandSpec @('flask', "db`nupgrade") } | Should -Be 'InvalidReleaseCommand'
        Get-ErrorId { New-CommandSpec @('', 'x') } | Should -Be 'InvalidReleaseCommand'
        (New-CommandSpec @('flask', 'db', 'upgrade')).ReleaseCommand | Should -Be @('flask', 'db', 'upgrade')
    }
    It 'the plan lists the release command between the slot''s files and its start' {
        $infos = @((Info $id1), (Info $id2))
        $plan = Plan (New-CommandSpec @('flask', 'db', 'upgrade')) (New-Facts -State $liveState -Infos $infos -Manifest '' -Venvs 'v1' @serving) (New-Snapshot @{ 'app.py' = $sha3 })
        $actions = @($plan.Changes.Action)
        $actions.IndexOf('Run release command') | Should -BeGreaterThan $actions.IndexOf('Create file')
        $actions.IndexOf('Run release command') | Should -BeLessThan $actions.IndexOf('Start slot')
        ($plan.Changes | Where-Object Action -eq 'Run release command').Target | Should -Match '^flask db upgrade in release '
        @((Plan (New-Spec) (New-Facts -State $liveState -Infos $infos -Manifest '' -Venvs 'v1' @serving) (New-Snapshot @{ 'app.py' = $sha3 })).Changes.Action) | Should -Not -Contain 'Run release command'
    }
    It 'a restart starts the live release on the idle slot and is never Unchanged; an app with no release is AppNotPublished' {
        $facts = New-Facts -State $liveState -Infos @((Info $id1), (Info $id2 -Venv 'v2')) -Venvs "v1`nv2" @serving
        $plan = (Get-CoreType PublishPlanner)::PlanRestart((New-Spec), $facts, $false)
        $plan.Unchanged | Should -BeFalse
        "$($plan.LiveOutcome)" | Should -Be 'Restarted'
        $plan.StagesFiles | Should -BeFalse   # gate 2 alone: the release and its venv are there
        $plan.MarksFailure | Should -BeFalse  # a restart that fails leaves the live release good
        $plan.ReleaseId | Should -Be $id2
        $plan.VenvKey | Should -Be 'v2'
        $plan.Slot | Should -Be 'a'
        $plan.NewState.Previous | Should -Be $id1
        $plan.Changes.Action | Should -Contain 'Start slot'
        $plan.Changes.Action | Should -Contain 'Stop slot'
        Get-ErrorId { (Get-CoreType PublishPlanner)::PlanRestart((New-Spec), (New-Facts), $false) } | Should -Be 'AppNotPublished'
    }
    It 'how far the stage came, from the sections it wrote' {
        $reached = { param($Sections) (Get-CoreType StageOutcome)::Reached((Get-CoreType ScriptOutput)::new((($Sections | ForEach-Object { "@@m $_`nx" }) -join "`n"), 'm')) }
        & $reached @('unpack') | Should -Be 'upload'
        & $reached @('unpack', 'verify') | Should -Be 'upload'
        & $reached @('unpack', 'verify', 'venv', 'gate') | Should -Be 'import-gate'
        & $reached @('venv', 'gate', 'gate-exit', 'release-command') | Should -Be 'release-command'
        & $reached @('venv', 'gate', 'release-command', 'timing', 'wait') | Should -Be 'health-gate'
    }
    It 'output arriving in pieces becomes lines with their section, the framing left out' {
        $seen = [System.Collections.Generic.List[string]]::new()
        $lines = (Get-CoreType StreamedLines)::new('mk', [Action[string, string, bool]] { param($s, $t, $e) $seen.Add("$s|$t|$e") })
        foreach ($piece in @("@@mk sta", "tus`nshop RUNNING`n", "`n@@mk output`nfirst li", "ne`n`nafter an empty one`nno newline at the end")) { $lines.Take($piece, $false) }
        $lines.Take("an error`n", $true)
        $lines.Flush()
        @($seen) | Should -Be @('status|shop RUNNING|False', 'output|first line|False', 'output||False', 'output|after an empty one|False', 'output|an error|True', 'output|no newline at the end|False')
    }
    It 'a log line''s own time: uWSGI''s request log, Python''s logging, ISO 8601; none when it has none' {
        $line = Get-CoreType AppOutputLine
        $line::TimeIn('[pid: 7|app: 0|req: 1/1] 127.0.0.1 () {24 vars in 258 bytes} [Fri Nov 27 10:36:20 2026] GET /health => generated 2 bytes') |
            Should -Be ([DateTimeOffset]::new(2026, 11, 27, 10, 36, 20, [TimeSpan]::Zero))
        $line::TimeIn('2026-11-27 10:00:05,123 INFO shop: paid') | Should -Be ([DateTimeOffset]::new(2026, 11, 27, 10, 0, 5, 123, [TimeSpan]::Zero))
        $line::TimeIn('[2026-11-27T10:00:05+01:00] started') | Should -Be ([DateTimeOffset]::new(2026, 11, 27, 9, 0, 5, [TimeSpan]::Zero))
        $line::TimeIn('*** Starting uWSGI 2.0.21 (64bit) ***') | Should -BeNullOrEmpty
    }
    It 'whose log: a published app''s live slot, or the one asked for; a guide-style app''s service, which has no slots' {
        $log = Get-CoreType AppLog
        $log::Service('shop', (New-Facts -State $liveState -Infos @((Info $id2))), $N) | Should -Be 'shop-b'
        $log::Service('shop', (New-Facts -State $liveState -Infos @((Info $id2))), 'a') | Should -Be 'shop-a'
        $log::Service('flask', (New-Facts), $N) | Should -Be 'flask'
        Get-ErrorId { $log::Service('flask', (New-Facts), 'a') } | Should -Be 'AppNotPublished'
    }
}

Describe 'Get-FlaskApp reads one round trip''s output' {
    It 'a published app and a guide-style one, each with its port, state, routes and URL; the slots are not apps of their own' {
        $m = 'ufm'
        $b64 = { param($t) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($t)) }
        $text = "@@$m host`nhome=/home/isabell`n"
        $text += "@@$m file:service:flask`nfile`n$(& $b64 "[program:flask]`ndirectory=%(ENV_HOME)s/basic_flask`ncommand=/usr/bin/uwsgi uwsgi.ini`n")`n"
        $text += "@@$m file:service:shop-a`nfile`n$(& $b64 "[program:shop-a]`ndirectory=/home/isabell/apps/shop`ncommand=/usr/bin/uwsgi slot-a.ini`n")`n"
        $text += "@@$m file:service:shop-b`nfile`n$(& $b64 "[program:shop-b]`ndirectory=/home/isabell/apps/shop`ncommand=/usr/bin/uwsgi slot-b.ini`n")`n"
        $text += "@@$m file:service:worker`nfile`n$(& $b64 "[program:worker]`ndirectory=/home/isabell/worker`ncommand=/usr/bin/python3 worker.py`n")`n"
        $text += "@@$m published:shop`ncurrent=$id2`nprevious=$id1`nslot=b`nport=10500`nalternate-port=10501`nhealth-path=/health`n"
        $text += "@@$m file:uwsgi:/home/isabell/basic_flask`nfile`n$(& $b64 "[uwsgi]`nhttp-socket = :1024`n")`n"
        $text += "@@$m listeners`nLISTEN 0 100 0.0.0.0:10501 0.0.0.0:* users:((`"uwsgi`",pid=71,fd=3))`n"
        $text += "@@$m status`nflask                            RUNNING   pid 60, uptime 1:00:00`nshop-a                           STOPPED   Nov 27 10:00 AM`nshop-b                           RUNNING   pid 71, uptime 0:10:00`nworker                           RUNNING   pid 80, uptime 2:00:00`n@@$m status-exit`nexit=3`n"
        $text += "@@$m backends`n/ http:10501 => OK, listening: PID 71, uwsgi`n/guide http:1024 => OK, listening: PID 60, uwsgi`nshop.example.org/ http:10501 => OK, listening: PID 71, uwsgi`n@@$m backends-exit`nexit=0`n"
        $apps = @((Get-CoreType FlaskApps)::Read((Get-CoreType ScriptOutput)::new($text, $m), 'http://127.0.0.1:18080', $null))
        $apps.Name | Should -Be @('flask', 'shop')
        $guide = $apps[0]; $shop = $apps[1]
        $guide.Kind | Should -Be 'Guide'
        $guide.AppPath | Should -Be '/home/isabell/basic_flask'
        $guide.Port | Should -Be 1024
        $guide.State | Should -Be 'RUNNING'
        $guide.Pid | Should -Be 60
        @($guide.Routes) | Should -Be @('/guide')
        $guide.Url | Should -Be 'http://127.0.0.1:18080/guide'
        $shop.Kind | Should -Be 'Published'
        $shop.ReleaseId | Should -Be $id2
        $shop.Slot | Should -Be 'b'
        $shop.Port | Should -Be 10501
        $shop.Service | Should -Be 'shop-b'
        $shop.Pid | Should -Be 71
        @($shop.Routes) | Should -Be @('/', 'shop.example.org')
        (Get-CoreType FlaskApps)::HealthUrl($shop).Argument | Should -Be 'http://127.0.0.1:18080/health'
        (Get-CoreType FlaskApps)::HealthUrl($guide).Argument | Should -Be 'http://127.0.0.1:18080/guide/'
    }
}

Describe 'Test-FlaskDeployment''s checks of a published app, read from one round trip''s output' {
    BeforeAll {
        function script:New-PublishedFacts([string] $Lock = '', [string] $Mode = '600', [string] $MasterPid = '71', [string] $Backend = '/ http:10501 => OK', [string] $IdleIni = "[program:shop-a]`nautostart=false`n", [string] $IdleState = 'STOPPED   Nov 27 10:00 AM') {
            $m = 'ufm'
            $b64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($IdleIni))
            $text = "@@$m host`nhome=/home/isabell`nroot=/home/isabell/apps/shop`n@@$m state`ncurrent=$id2`nprevious=$id1`nslot=b`nport=10500`nalternate-port=10501`nhealth-path=/health`n"
            $text += "@@$m releases`n$id1`n$id2`n@@$m meta`n$id1.info`n$id2.info`n$id2.manifest`n@@$m lock`n$Lock`n@@$m lock-age`n$(if ($Lock) { 'seconds=5400' })`n"
            $text += "@@$m secrets-mode`n$Mode`n@@$m file:slot-service:a`nfile`n$b64`n@@$m pid:a`n`n@@$m pid:b`n$MasterPid`n"
            $text += "@@$m disk`n2048`t/home/isabell/apps/shop/releases`n30720`t/home/isabell/apps/shop/venvs`n"
            $text += "@@$m listeners`nLISTEN 0 100 0.0.0.0:10501 0.0.0.0:* users:((`"uwsgi`",pid=71,fd=3))`n"
            $text += "@@$m status`nshop-a                           $IdleState`nshop-b                           RUNNING   pid 71, uptime 0:10:00`n"
            $text += "@@$m backends`n$Backend`n"
            $f = (Get-CoreType PublishedDiagnosis)::Read((Get-CoreType ScriptOutput)::new($text, $m), 'shop', 'isabell@host:22')
            $f.HealthUrl = (Get-CoreType PublishedDiagnosis)::HealthUrl($f, 'http://127.0.0.1:18080', $null); $f.HealthCode = '200'
            $f
        }
        function script:Check($Facts, [string] $Name) { @((Get-CoreType PublishedDiagnosis)::All($Facts)) | Where-Object Check -eq $Name }
    }
    It 'a healthy app passes every check; the health URL follows the state''s route' {
        $f = New-PublishedFacts
        $f.HealthUrl.Argument | Should -Be 'http://127.0.0.1:18080/health'
        @((Get-CoreType PublishedDiagnosis)::All($f) | Where-Object { "$($_.Status)" -ne 'Passed' }) | Should -BeNullOrEmpty
        (Check $f 'Disk use').Message | Should -Be 'Releases 2.0 MB, venvs 30.0 MB (Remove-FlaskRelease prunes old ones).'
    }
    It 'a lock a killed cleanup left is a warning that the next publish takes it over; a client''s is a failure' {
        $gone = Check (New-PublishedFacts -Lock "cleanup-gone`nthe cleanup after release $id2 (stopping shop-a after 2 s, then pruning), since 2026-11-27T10:00:00Z") 'Publish lock'
        "$($gone.Status)" | Should -Be 'Warning'
        $gone.Fix | Should -Match 'no -BreakLock needed'
        "$((Check (New-PublishedFacts -Lock "held`nbob@box pid 9 since 2026-11-27T10:00:00Z") 'Publish lock').Status)" | Should -Be 'Failed'
    }
    It 'each broken fact fails its own check, with a fix' {
        $lock = Check (New-PublishedFacts -Lock "held`nana@laptop pid 4242 since 2026-11-27T09:00:00Z") 'Publish lock'
        "$($lock.Status)" | Should -Be 'Failed'; $lock.Message | Should -Match 'held for 90 min by ana@laptop pid 4242'; $lock.Fix | Should -Match '-BreakLock'
        "$((Check (New-PublishedFacts -Lock "cleanup`nthe cleanup after release x") 'Publish lock').Status)" | Should -Be 'Passed'
        "$((Check (New-PublishedFacts -Mode '644') 'Secrets file').Status)" | Should -Be 'Failed'
        $port = Check (New-PublishedFacts -MasterPid '99') 'Live port'
        "$($port.Status)" | Should -Be 'Failed'; $port.Message | Should -Match 'held by another process'
        $backend = Check (New-PublishedFacts -Backend '/ http:10500 => OK') 'Backend'
        "$($backend.Status)" | Should -Be 'Failed'; $backend.Message | Should -Match "port 10500 \(the idle slot's\)"; $backend.Fix | Should -Match 'Set-WebBackend -Path / -Port 10501'
        "$((Check (New-PublishedFacts -IdleIni "[program:shop-a]`n") 'Idle slot').Status)" | Should -Be 'Failed'
    }
    It 'an idle slot still running with no cleanup under way (one was cut off) is a warning; during the cleanup it is not' {
        $idle = Check (New-PublishedFacts -IdleState 'RUNNING   pid 60, uptime 1:00:00') 'Idle slot'
        "$($idle.Status)" | Should -Be 'Warning'
        $idle.Message | Should -Match 'shop-a \(the idle slot\) does not start at boot but still runs \(RUNNING, pid 60\)'
        $idle.Fix | Should -Match 'Stop-SupervisorService -Name shop-a'
        "$((Check (New-PublishedFacts -IdleState 'RUNNING   pid 60, uptime 0:00:01' -Lock "cleanup`nthe cleanup after release x") 'Idle slot').Status)" | Should -Be 'Passed'
    }
}

Describe 'The frontend URL: one rule for every cmdlet' {
    It 'takes <Want> for given=<Given> session=<Session> domain=<Domain>' -ForEach @(
        @{ Given = 'http://127.0.0.1:18080/'; Session = 'http://127.0.0.1:1'; Domain = 'shop.example.org'; Want = 'http://127.0.0.1:18080' }
        @{ Given = $null; Session = 'http://127.0.0.1:1/'; Domain = 'shop.example.org'; Want = 'http://127.0.0.1:1' }
        @{ Given = $null; Session = $null; Domain = 'shop.example.org'; Want = 'https://shop.example.org' }
        @{ Given = $null; Session = $null; Domain = $null; Want = 'https://isabell.uber.space' }
    ) {
        (Get-CoreType Frontend)::Base($Given, $Session, $Domain, '/home/isabell') | Should -Be $Want
    }
    It 'requests a domain''s route through a URL of another host name with Host: DOMAIN, and its own host without one' {
        $r = (Get-CoreType Frontend)::Request('http://127.0.0.1:18080', 'shop.example.org', '/health')
        $r.Url | Should -Be 'http://127.0.0.1:18080/health'
        $r.Host | Should -Be 'shop.example.org'
        $r.Argument | Should -Be 'shop.example.org http://127.0.0.1:18080/health'
        (Get-CoreType Frontend)::Request('https://shop.example.org', 'shop.example.org', '/health').Argument | Should -Be 'https://shop.example.org/health'
        (Get-CoreType Frontend)::Request('https://isabell.uber.space', $null, '/').Argument | Should -Be 'https://isabell.uber.space/'
    }
    It 'Test-FlaskDeployment -Name requests a -Domain route through the given or the session''s URL, as the switch does' {
        # Before the one rule, the published checks put https://DOMAIN ahead of a given URL, and the switch did not.
        $m = 'ufm'
        $text = "@@$m host`nhome=/home/isabell`nroot=/home/isabell/apps/shop`n@@$m state`ncurrent=$id2`nslot=b`nport=10500`nalternate-port=10501`nhealth-path=/health`ndomain=shop.example.org`nweb-path=/`n"
        $f = (Get-CoreType PublishedDiagnosis)::Read((Get-CoreType ScriptOutput)::new($text, $m), 'shop', 'isabell@host:22')
        (Get-CoreType PublishedDiagnosis)::HealthUrl($f, 'http://127.0.0.1:18080', $null).Argument | Should -Be 'shop.example.org http://127.0.0.1:18080/health'
        (Get-CoreType PublishedDiagnosis)::HealthUrl($f, $null, 'http://127.0.0.1:18080').Argument | Should -Be 'shop.example.org http://127.0.0.1:18080/health'
        (Get-CoreType PublishedDiagnosis)::HealthUrl($f, $null, $null).Argument | Should -Be 'https://shop.example.org/health'
    }
}

Describe 'What the stage, slot and switch commands said, read once (StageOutcome, SwitchOutcome)' {
    BeforeAll {
        $snap = New-Snapshot @{ 'app.py' = $sha1 }
        $snap = (Get-CoreType ProjectSnapshot)::new($snap.Files, 'shop:create_app()', $null, $null)
        $script:plan = (Get-CoreType PublishPlanner)::Plan((New-Spec -Port 10500), (New-Facts), $snap, $now, $false, $N)
        # A ScriptResult as the host printed it: sections "name`nbody", the exit status, stderr.
        function script:New-Result([int] $Exit, [hashtable] $Sections = @{}, [string] $Stderr = '') {
            $m = 'mk'
            $text = ($Sections.Keys | ForEach-Object { "@@$m $_`n$($Sections[$_])" }) -join "`n"
            $raw = (Get-CoreType CommandResult)::new('sh', $Exit, $text, $Stderr, [TimeSpan]::Zero)
            (Get-CoreType ScriptResult)::new('releases/stage', $raw, (Get-CoreType ScriptOutput)::new($text, $m))
        }
        function script:Read-Stage($Result) { (Get-CoreType StageOutcome)::ReadStage($Result, $plan, 'isabell@host:22') }
        $script:ready = @{ venv = 'reused=yes'; timing = "placed=10.0`nfinished=12.5"; 'slot-timing' = 'finished=13.0'
            wait = "outcome=ready`ncode=200"; status = 'shop-a RUNNING pid 71'; master = 'pid=71'
            listeners = 'LISTEN 0 100 0.0.0.0:10500 0.0.0.0:* users:(("uwsgi",pid=71,fd=3))' }
    }
    It 'exit <Exit> is <Id> in the <Phase> phase (slot started: <Slot>)' -ForEach @(
        @{ Exit = 3; Sections = @{ lock = 'bob@box pid 9 since 2026-11-25T11:00:00Z' }; Id = 'PublishLocked'; Phase = 'upload'; Slot = $false }
        @{ Exit = 4; Sections = @{ verify = 'app.py: FAILED' }; Id = 'ReleaseVerifyFailed'; Phase = 'upload'; Slot = $false }
        @{ Exit = 5; Sections = @{ venv = 'reused=no'; 'venv-build' = "ERROR: no matching distribution" }; Id = 'VenvBuildFailed'; Phase = 'import-gate'; Slot = $false }
        @{ Exit = 6; Sections = @{ venv = 'reused=yes'; gate = "ImportError: no module named shop" }; Id = 'ImportGateFailed'; Phase = 'import-gate'; Slot = $false }
        @{ Exit = 7; Sections = @{ unpack = 'tar: short read' }; Id = 'ReleaseUploadFailed'; Phase = 'upload'; Slot = $false }
        @{ Exit = 8; Sections = @{ space = 'kib=12'; 'space-phase' = 'venv' }; Id = 'HostDiskFull'; Phase = 'import-gate'; Slot = $false }
        @{ Exit = 8; Sections = @{ space = 'kib=12'; 'space-phase' = 'unpack' }; Id = 'HostDiskFull'; Phase = 'upload'; Slot = $false }
        @{ Exit = 10; Sections = @{ venv = 'reused=no' }; Id = 'UwsgiNotFound'; Phase = 'import-gate'; Slot = $false }
        @{ Exit = 11; Sections = @{ venv = 'reused=yes'; timing = 'placed=1' }; Id = 'SlotStartFailed'; Phase = 'health-gate'; Slot = $true }
        @{ Exit = 12; Sections = @{ venv = 'reused=yes'; 'release-command' = "migrating`nboom"; 'release-command-exit' = 'exit=2' }; Id = 'ReleaseCommandFailed'; Phase = 'release-command'; Slot = $false }
        @{ Exit = 137; Sections = @{ venv = 'reused=yes' }; Id = 'PublishInterrupted'; Phase = 'import-gate'; Slot = $false }
        @{ Exit = 137; Sections = @{ venv = 'reused=yes'; timing = 'placed=1' }; Id = 'PublishInterrupted'; Phase = 'health-gate'; Slot = $true }
        @{ Exit = 1; Sections = @{ unpack = '' }; Id = 'ReleaseStageFailed'; Phase = 'upload'; Slot = $false }
    ) {
        $o = Read-Stage (New-Result $Exit $Sections)
        $o.Error.ErrorId | Should -Be $Id
        $o.Phase | Should -Be $Phase
        $o.SlotStarted | Should -Be $Slot
        $o.LockRefused | Should -Be ($Id -eq 'PublishLocked')
    }
    It 'the words of the host and the log tail come with the error' {
        (Read-Stage (New-Result 3 @{ lock = 'bob@box pid 9 since 2026-11-25T11:00:00Z' })).Error.Message | Should -Match 'bob@box pid 9'
        $gate = Read-Stage (New-Result 6 @{ gate = "Traceback`nImportError: no module named shop" })
        $gate.LogTail | Should -Be "Traceback`nImportError: no module named shop"
        $gate.Error.Message | Should -Match 'ImportError: no module named shop'
        $rc = Read-Stage (New-Result 12 @{ 'release-command' = "migrating`nboom`n"; 'release-command-exit' = 'exit=2' })
        $rc.ReleaseCommandOutput | Should -Be "migrating`nboom"
        $rc.Error.Message | Should -Match 'exited 2'
        (Read-Stage (New-Result 8 @{ space = 'kib=12'; 'space-phase' = 'unpack' })).Error.Message | Should -Match '12 KiB left'
        (Read-Stage (New-Result 137 @{ venv = 'reused=yes' })).Error.Message | Should -Match 'killed by signal 9 \(as the OOM killer'
    }
    It 'a stage that passed: no error, the venv reused, and the host''s timings split the command''s time' {
        $o = Read-Stage (New-Result 0 $ready)
        $o.Error | Should -BeNullOrEmpty
        $o.VenvReused | Should -BeTrue
        $t = $o.Timings([TimeSpan]::FromSeconds(5), [TimeSpan]::FromSeconds(1))
        $t.Item1.TotalSeconds | Should -Be 2   # 5 s in all, 3 s of it after the files were in place
        $t.Item2.TotalSeconds | Should -Be 2.5
        $t.Item3.TotalSeconds | Should -Be 0.5
    }
    It 'gate 2: a port held by another process is SlotPortInUse; no answer in time is HealthGateFailed with the log tail' {
        $stray = $ready.Clone(); $stray.listeners = 'LISTEN 0 5 0.0.0.0:10500 0.0.0.0:* users:(("python3",pid=999,fd=3))'
        $o = Read-Stage (New-Result 0 $stray)
        $o.Error.ErrorId | Should -Be 'SlotPortInUse'
        $o.Error.Message | Should -Match 'pid=999'
        $o.SlotStarted | Should -BeTrue
        $late = $ready.Clone(); $late.wait = "outcome=timeout`ncode=500"; $late.listeners = ''; $late.'log-tail' = 'Traceback: boom'
        $o = Read-Stage (New-Result 0 $late)
        $o.Error.ErrorId | Should -Be 'HealthGateFailed'
        $o.Error.Message | Should -Match 'last answer: 500'
        $o.LogTail | Should -Be 'Traceback: boom'
        $o.Phase | Should -Be 'health-gate'
    }
    It 'the slot command of an undo: its release command, then gate 2' {
        (Get-CoreType StageOutcome)::ReadSlot((New-Result 12 @{ 'release-command' = 'x'; 'release-command-exit' = 'exit=1' }), $plan, 'h').Error.ErrorId | Should -Be 'ReleaseCommandFailed'
        (Get-CoreType StageOutcome)::ReadSlot((New-Result 11 @{}), $plan, 'h').Error.ErrorId | Should -Be 'SlotStartFailed'
        (Get-CoreType StageOutcome)::ReadSlot((New-Result 0 $ready), $plan, 'h').Error | Should -BeNullOrEmpty
    }
    It 'the switch: confirmed only when the list shows the new port and the new slot answers through the frontend' {
        $ok = @{ 'change-exit' = 'exit=0'; backends = "/ http:10500 => OK"; 'backends-exit' = 'exit=0'; frontend = "code=200`nslot=shop-a" }
        $problem = { param($Result) (Get-CoreType SwitchOutcome)::Problem($Result, $plan, 10500, 'shop-a') }
        & $problem (New-Result 0 $ok) | Should -BeNullOrEmpty
        $unnamed = $ok.Clone(); $unnamed.frontend = "code=200`nslot="   # a slot of an earlier version names none
        & $problem (New-Result 0 $unnamed) | Should -BeNullOrEmpty
        & $problem (New-Result 137 @{}) | Should -Match 'cut off \(killed by signal 9\)'
        $bad = $ok.Clone(); $bad.frontend = "code=502`nslot="
        & $problem (New-Result 0 $bad) | Should -Match 'answered 502 through the frontend'
        $bad = $ok.Clone(); $bad.frontend = "code=200`nslot=shop-b"
        & $problem (New-Result 0 $bad) | Should -Match 'answered by shop-b through the frontend, not by shop-a'
        $bad = $ok.Clone(); $bad.backends = '/ http:10501 => OK'
        & $problem (New-Result 0 $bad) | Should -Match 'does not show / on port 10500'
        $bad = $ok.Clone(); $bad.'backends-exit' = 'exit=127'
        & $problem (New-Result 0 $bad) | Should -Match "'uberspace' command was not found"
        $answer = (Get-CoreType SwitchOutcome)::Answer((New-Result 0 $bad))
        "$($answer.Item1) $($answer.Item2)" | Should -Be '200 shop-a'
        (Get-CoreType SwitchOutcome)::Answer((New-Result 137 @{})).Item1 | Should -Be '000'
    }
}

Describe 'The words of the long host scripts: one C# record each, and the script binds the same names in order' {
    BeforeAll {
        $snap = New-Snapshot @{ 'app.py' = $sha1 }
        $snap = (Get-CoreType ProjectSnapshot)::new($snap.Files, 'shop:create_app()', $null, $null)
        $script:wplan = (Get-CoreType PublishPlanner)::Plan((New-Spec -Port 10500), (New-Facts), $snap, $now, $false, $N)
        $script:scripts = Join-Path $PSScriptRoot '../src/UberspaceFlask.Core/Scripts'
        # The names of a script's "# words (Record ...):" header, up to a ';' or the first line that is not a list of names.
        function script:Get-HeaderWords([string] $Text) {
            $lines = $Text -split "`n"
            $i = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^# words \(' })
            if ($i -lt 0) { return @() }
            $words = @(); $part = $lines[$i] -replace '^# words \([^)]*\):\s*', ''
            while ($true) {
                $stop = $part.Contains(';'); $part = ($part -split ';')[0]
                if ($part -notmatch '^[a-z0-9_ ]*$') { break }
                $words += @($part -split '\s+' | Where-Object { $_ })
                $i++
                if ($stop -or $i -ge $lines.Count -or $lines[$i] -notmatch '^# ') { break }
                $part = $lines[$i].Substring(2).Trim()
            }
            $words
        }
        # What the script binds: NAME=$N or NAME=${N}, in order.
        function script:Get-Bindings([string] $Text) {
            @([regex]::Matches($Text, '(?m)(?:^|\s)([a-z_]+)=\$\{?(\d+)\}?(?=\s|$)') | ForEach-Object { [pscustomobject]@{ Name = $_.Groups[1].Value; N = [int]$_.Groups[2].Value } })
        }
    }
    It '<Script> binds the words of <Record> by name, in its header too, and refuses too few' -ForEach @(
        @{ Script = 'releases/stage.sh'; Record = 'StageWords'; Check = '-ge 33' }
        @{ Script = 'releases/slot.sh'; Record = 'SlotCommandWords'; Check = '-eq 18' }
        @{ Script = 'releases/finish.sh'; Record = 'FinishWords'; Check = '-eq 13' }
    ) {
        $type = Get-CoreType $Record
        $record = if ($Record -eq 'StageWords') { $type::new($wplan, 'holder', 1, 2, 3) } elseif ($Record -eq 'FinishWords') { $type::new($wplan, '', 'holder') } else { $type::new($wplan) }
        $names = @($record.Names)
        $text = Get-Content (Join-Path $scripts $Script) -Raw
        @(Get-HeaderWords $text) -join ' ' | Should -Be ($names -join ' ')
        $bound = Get-Bindings $text
        ($bound | ForEach-Object { "$($_.Name)=$($_.N)" }) -join ' ' | Should -Be ((1..$names.Count | ForEach-Object { "$($names[$_ - 1])=$_" }) -join ' ')
        @($record.ToArguments()).Count | Should -Be $names.Count
        $text | Should -Match ([regex]::Escape("[ `"`$#`" $Check ] || uf_exit words"))
    }
    It 'a script given too few words exits with ExitCodes.Words before it acts' {
        $dir = Join-Path $TestDrive 'nothing-here'
        & /bin/sh -c (Get-CoreType HostScript)::Get('releases/finish').Text sh MARK $dir 'c3RhdGU=' 'id' 2>$null | Out-Null
        $LASTEXITCODE | Should -Be ((Get-CoreType ExitCodes)::Words)
        Test-Path $dir | Should -BeFalse
    }
}

Describe 'A plan made while the last cleanup still runs' {
    It 'rewrites the new slot''s service ini even when it looked as planned: the cleanup is about to turn it idle' {
        $snap = New-Snapshot @{ 'app.py' = $sha1 }
        $snap = (Get-CoreType ProjectSnapshot)::new($snap.Files, 'shop:create_app()', $null, $null)
        # The slot's service ini on the host exactly as the plan renders it: unchanged, so normally not written again.
        $planned = (Get-CoreType PublishPlanner)::Plan((New-Spec -Port 10500), (New-Facts), $snap, $now, $false, $N).SlotService.Content
        $mode = {
            param($Lock)
            $plan = (Get-CoreType PublishPlanner)::Plan((New-Spec -Port 10500), (New-Facts -Lock $Lock -SlotFiles @{ 'slot-service:a' = $planned }), $snap, $now, $false, $N)
            $words = (Get-CoreType StageWords)::new($plan, 'holder', 1, 2, 3)
            $i = [array]::IndexOf(@($words.Names), 'service_mode')
            "$($plan.SlotService.Kind) $($plan.RewriteSlotService) $(@($words.ToArguments())[$i].Value)"
        }
        & $mode '' | Should -Be 'Unchanged False restart'
        # Rewritten, re-read and restarted: an ini the cleanup turned idle is re-added; one it never reached (the cleanup
        # was killed) leaves the program running under `update` alone, so it is stopped and started as well.
        & $mode "cleanup`nthe cleanup after release X (stopping shop-a after 1 s, then pruning), since 2026-11-25T11:00:00Z" | Should -Be 'Unchanged True rewrite'
        # A cleanup killed on the host (its process gone): the lock is taken over, not refused, and the ini rewritten.
        & $mode "cleanup-gone`nthe cleanup after release X (stopping shop-a after 1 s, then pruning), since 2026-11-25T11:00:00Z" | Should -Be 'Unchanged True rewrite'
        Get-ErrorId { (Get-CoreType PublishPlanner)::Plan((New-Spec -Port 10500), (New-Facts -Lock "held`nbob@box pid 9 since 2026-11-25T11:00:00Z"), $snap, $now, $false, $N) } | Should -Be 'PublishLocked'
    }
}
