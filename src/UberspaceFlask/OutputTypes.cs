using System;

namespace UberspaceFlask
{
    // Output classes. Created only by the module; property names are chosen so each binds to the next cmdlet
    // by property name (New-FlaskApp | New-UwsgiConfig | Register-SupervisorService | Set-WebBackend).

    /// <summary>A Flask app directory with its venv, as New-FlaskApp left it.</summary>
    public sealed class FlaskApp
    {
        internal FlaskApp() { }
        public string Name { get; internal set; }
        /// <summary>The app directory on the host (the same name on every output type).</summary>
        public string AppPath { get; internal set; }
        public string EntryModule { get; internal set; }
        public string VenvPath { get; internal set; }
        public string Python { get; internal set; }
        public string Message { get; internal set; }
        /// <summary>Where it lives: "local (isabell)" or "isabell@host:22".</summary>
        public string Location { get; internal set; }
        /// <summary>The session it was made through (null on the local machine); downstream cmdlets bind it.</summary>
        public UberspaceSession Session { get; internal set; }
        /// <summary>Whether this run changed anything on the host.</summary>
        public bool Changed { get; internal set; }
        /// <summary>What New-UwsgiConfig would probe for, when this run changed nothing; New-UwsgiConfig binds it.</summary>
        public HandedOver UwsgiFacts { get; internal set; }
        public override string ToString() => AppPath;
    }

    /// <summary>An app's uwsgi.ini, as New-UwsgiConfig wrote it.</summary>
    public sealed class UwsgiConfig
    {
        internal UwsgiConfig() { }
        public string Name { get; internal set; }
        public string AppPath { get; internal set; }
        /// <summary>The uwsgi.ini file.</summary>
        public string ConfigPath { get; internal set; }
        public int Port { get; internal set; }
        public string MountPath { get; internal set; }
        public string UwsgiPath { get; internal set; }
        public string VenvPath { get; internal set; }
        public string[] Plugins { get; internal set; }
        public string Location { get; internal set; }
        /// <summary>The session it was made through (null on the local machine); downstream cmdlets bind it.</summary>
        public UberspaceSession Session { get; internal set; }
        public bool Changed { get; internal set; }
        public override string ToString() => ConfigPath;
    }

    /// <summary>A supervisord program, with its state as `supervisorctl status` reported it.</summary>
    public sealed class SupervisorService
    {
        internal SupervisorService() { }
        public string Name { get; internal set; }
        public string State { get; internal set; }
        public int? Pid { get; internal set; }
        public TimeSpan? Uptime { get; internal set; }
        /// <summary>~/etc/services.d/NAME.ini</summary>
        public string ConfigPath { get; internal set; }
        public string AppPath { get; internal set; }
        /// <summary>The port from the app's uwsgi.ini (what Set-WebBackend routes to).</summary>
        public int? Port { get; internal set; }
        public string MountPath { get; internal set; }
        public string Location { get; internal set; }
        /// <summary>The session it was made through (null on the local machine); downstream cmdlets bind it.</summary>
        public UberspaceSession Session { get; internal set; }
        public bool Changed { get; internal set; }
        /// <summary>
        /// Whether the app answered HTTP on its port when the cmdlet returned (it returns as soon as it does; State may
        /// then still be STARTING until supervisord's startsecs are over).
        /// </summary>
        public bool Ready { get; internal set; }
        /// <summary>Whether this run restarted a running program (its config or the app's code changed).</summary>
        public bool Restarted { get; internal set; }
        /// <summary>Why it was added, started or restarted; null when nothing was done.</summary>
        public string Reason { get; internal set; }
        /// <summary>
        /// `uberspace web backend list` as this step read it, for Set-WebBackend further down the pipeline (it then
        /// needs no round trip of its own). Only set when nothing changed; used only while fresh.
        /// </summary>
        public HandedOver BackendList { get; internal set; }
        public override string ToString() => $"{Name} {State}" + (Pid.HasValue ? $" pid {Pid}" : "");
    }

    /// <summary>One web backend, as `uberspace web backend list` shows it.</summary>
    public sealed class WebBackend
    {
        internal WebBackend() { }
        /// <summary>As listed: "/", "/app", "example.org/".</summary>
        public string Target { get; internal set; }
        public string Domain { get; internal set; }
        public string Path { get; internal set; }
        /// <summary>"http" or "apache".</summary>
        public string Kind { get; internal set; }
        public int? Port { get; internal set; }
        public bool RemovePrefix { get; internal set; }
        public bool IsDefault { get; internal set; }
        /// <summary>The status text after "=>", verbatim.</summary>
        public string Status { get; internal set; }
        /// <summary>Ok, WrongInterface, NoService, Unknown, or None (apache backends have no status).</summary>
        public string StatusKind { get; internal set; }
        public int? Pid { get; internal set; }
        public string ProcessCommand { get; internal set; }
        public string ListenAddress { get; internal set; }
        /// <summary>The app directory behind the backend, when it came down the deploy pipeline.</summary>
        public string AppPath { get; internal set; }
        public string Location { get; internal set; }
        /// <summary>The session it was made through (null on the local machine); downstream cmdlets bind it.</summary>
        public UberspaceSession Session { get; internal set; }
        public bool Changed { get; internal set; }
        /// <summary>The backend list as this step saw it, when it changed nothing; Test-FlaskDeployment binds it.</summary>
        public HandedOver BackendList { get; internal set; }
        public override string ToString() => Target + " " + (Kind == "http" ? "http:" + Port : Kind) + (Status != null ? " => " + Status : "");
    }

    /// <summary>
    /// What one step read on the host, carried in its output to the next step (BackendList, UwsgiFacts), which uses
    /// it while fresh instead of looking itself.
    /// </summary>
    public sealed class HandedOver
    {
        internal HandedOver(object value, string what) { Value = value; _what = what; }
        readonly string _what;
        // A core type, held as object: exported types must not name core types.
        internal object Value { get; }
        public override string ToString() => _what;
    }

    /// <summary>A host's SSH key, as Get-UberspaceHostKey read it.</summary>
    public sealed class UberspaceHostKey
    {
        internal UberspaceHostKey() { }
        public string HostName { get; internal set; }
        public int Port { get; internal set; }
        public string KeyType { get; internal set; }
        /// <summary>SHA256:... as ssh-keygen -l shows it.</summary>
        public string Fingerprint { get; internal set; }
        /// <summary>The line known_hosts would get.</summary>
        public string KnownHostsLine { get; internal set; }
        public override string ToString() => $"{HostName}:{Port} {KeyType} {Fingerprint}";
    }

    /// <summary>One command run by Invoke-UberspaceCommand.</summary>
    public sealed class UberspaceCommandResult
    {
        internal UberspaceCommandResult() { }
        public string Command { get; internal set; }
        public int ExitStatus { get; internal set; }
        public string Stdout { get; internal set; }
        public string Stderr { get; internal set; }
        public System.TimeSpan Duration { get; internal set; }
        public string Location { get; internal set; }
        public override string ToString() => Stdout;
    }

    /// <summary>One link of the deploy chain, as Test-FlaskDeployment checked it.</summary>
    public sealed class FlaskDeploymentCheck
    {
        internal FlaskDeploymentCheck() { }
        public string Check { get; internal set; }
        /// <summary>Passed, Warning, Failed or Skipped.</summary>
        public string Status { get; internal set; }
        public string Message { get; internal set; }
        /// <summary>What to do about a failure.</summary>
        public string Fix { get; internal set; }
        /// <summary>Supporting output (log tail, listener, backend line).</summary>
        public string Detail { get; internal set; }
        public string AppPath { get; internal set; }
        public string Location { get; internal set; }
        public override string ToString() => $"{Check}: {Status} - {Message}";
    }

    /// <summary>What Publish-FlaskApp or Undo-FlaskDeployment did on one host.</summary>
    public sealed class FlaskPublishResult
    {
        internal FlaskPublishResult() { }
        public string Name { get; internal set; }
        public string Location { get; internal set; }
        /// <summary>Deployed, Unchanged, Failed, RolledBack (switched, failed the frontend check, switched back) or Restored (an undo).</summary>
        public string Status { get; internal set; }
        public string ReleaseId { get; internal set; }
        public string PreviousReleaseId { get; internal set; }
        /// <summary>upload, import-gate, health-gate, switch; null unless it failed.</summary>
        public string FailedPhase { get; internal set; }
        public bool VenvReused { get; internal set; }
        /// <summary>The slot (a or b) and port that serve afterwards.</summary>
        public string LiveSlot { get; internal set; }
        public int? LivePort { get; internal set; }
        public int FilesUploaded { get; internal set; }
        public int FilesLinked { get; internal set; }
        public int FilesRemoved { get; internal set; }
        public long BytesUploaded { get; internal set; }
        public TimeSpan Duration { get; internal set; }
        /// <summary>Seconds per phase: upload, venv-and-import-gate, health-gate, switch, cleanup.</summary>
        public System.Collections.Generic.Dictionary<string, double> PhaseSeconds { get; internal set; }
        /// <summary>The end of the failed step's output (pip, the import, the app's stderr); null on success.</summary>
        public string LogTail { get; internal set; }
        public string[] PrunedReleases { get; internal set; }
        /// <summary>What the release command printed; null when none ran.</summary>
        public string ReleaseCommandOutput { get; internal set; }
        /// <summary>The message of the error reported beside a failed result.</summary>
        public string Message { get; internal set; }
        public UberspaceSession Session { get; internal set; }
        public override string ToString() => $"{Name} {ReleaseId} {Status}";
    }

    /// <summary>One release of a published app.</summary>
    public sealed class FlaskRelease
    {
        internal FlaskRelease() { }
        public string Name { get; internal set; }
        public string ReleaseId { get; internal set; }
        public DateTime Created { get; internal set; }
        /// <summary>current, previous, good (went live once) or failed.</summary>
        public string Status { get; internal set; }
        public string FailedPhase { get; internal set; }
        public string Venv { get; internal set; }
        public long? SizeKiB { get; internal set; }
        public string Entry { get; internal set; }
        public string Location { get; internal set; }
        public UberspaceSession Session { get; internal set; }
        public override string ToString() => ReleaseId;
    }

    /// <summary>A secret of a published app: its name and the SHA-256 of its value, never the value.</summary>
    public sealed class FlaskSecret
    {
        internal FlaskSecret() { }
        public string App { get; internal set; }
        public string Name { get; internal set; }
        /// <summary>"SHA256:" and the hex digest of the value's bytes.</summary>
        public string Fingerprint { get; internal set; }
        public string Location { get; internal set; }
        public override string ToString() => Name;
    }

    /// <summary>A line of an app's log (Get-FlaskLog) or of a one-off command's output (Invoke-FlaskCommand).</summary>
    public sealed class FlaskOutputLine
    {
        internal FlaskOutputLine() { }
        public string App { get; internal set; }
        /// <summary>The supervisord program (a log) or the release (a command) the line came from.</summary>
        public string Source { get; internal set; }
        /// <summary>Stdout or Stderr.</summary>
        public string Stream { get; internal set; }
        /// <summary>The time the line carries itself; null when it has none.</summary>
        public DateTimeOffset? Time { get; internal set; }
        public string Text { get; internal set; }
        public string Location { get; internal set; }
        public override string ToString() => Text;
    }

    /// <summary>How a one-off command ended (Invoke-FlaskCommand): its exit status; its lines came before it.</summary>
    public sealed class FlaskCommandResult
    {
        internal FlaskCommandResult() { }
        public string App { get; internal set; }
        public string ReleaseId { get; internal set; }
        public string[] Command { get; internal set; }
        public int ExitCode { get; internal set; }
        public TimeSpan Duration { get; internal set; }
        public string Location { get; internal set; }
        public UberspaceSession Session { get; internal set; }
    }

    /// <summary>A Flask app on an account (Get-FlaskApp): published, or set up with the guide's pipeline.</summary>
    public sealed class FlaskAppInfo
    {
        internal FlaskAppInfo() { }
        public string Name { get; internal set; }
        /// <summary>Published or Guide.</summary>
        public string Kind { get; internal set; }
        public string AppPath { get; internal set; }
        /// <summary>The live release (published apps).</summary>
        public string ReleaseId { get; internal set; }
        /// <summary>The live slot, a or b (published apps).</summary>
        public string Slot { get; internal set; }
        public int? Port { get; internal set; }
        /// <summary>The supervisord program that serves it.</summary>
        public string Service { get; internal set; }
        public string State { get; internal set; }
        public int? Pid { get; internal set; }
        /// <summary>The web backend routes (PATH or DOMAIN/PATH) that point at its port.</summary>
        public string[] Routes { get; internal set; }
        public string Url { get; internal set; }
        /// <summary>With -Health: the HTTP status of its health path through the frontend (0: no answer).</summary>
        public int? HealthStatus { get; internal set; }
        public string Location { get; internal set; }
        public UberspaceSession Session { get; internal set; }
        public override string ToString() => Name;
    }
}
