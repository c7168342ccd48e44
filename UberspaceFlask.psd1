@{
    # The one version source: build.ps1 stamps it into the assembly.
    ModuleVersion        = '0.1.0'
    RootModule           = 'UberspaceFlask.dll'
    GUID                 = '5b0f1c1e-8f4a-4d52-9a53-3f7c2e0d9b61'
    Author               = 'UberspaceFlask contributors'
    CompanyName          = 'UberspaceFlask contributors'
    Copyright            = '(c) UberspaceFlask contributors. MIT License.'
    Description          = 'Deploys Flask apps to Uberspace hosts from a PowerShell pipeline: app scaffold and venv, uwsgi.ini, supervisord service, web backend. Locally on the host or over SSH.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    CmdletsToExport      = @(
        'New-FlaskApp'
        'New-UwsgiConfig'
        'Register-SupervisorService'
        'Set-WebBackend'
        'New-UberspaceSession'
        'Remove-UberspaceSession'
        'Get-UberspaceHostKey'
        'Invoke-UberspaceCommand'
        'Get-SupervisorService'
        'Start-SupervisorService'
        'Stop-SupervisorService'
        'Restart-SupervisorService'
        'Unregister-SupervisorService'
        'Get-SupervisorLog'
        'Get-WebBackend'
        'Remove-WebBackend'
        'Remove-FlaskApp'
        'Test-FlaskDeployment'
        'Publish-FlaskApp'
        'Undo-FlaskDeployment'
        'Restart-FlaskApp'
        'Get-FlaskApp'
        'Get-FlaskLog'
        'Invoke-FlaskCommand'
        'Get-FlaskRelease'
        'Remove-FlaskRelease'
        'Set-FlaskSecret'
        'Get-FlaskSecret'
        'Remove-FlaskSecret'
    )
    FormatsToProcess     = @('UberspaceFlask.Format.ps1xml')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Uberspace', 'Flask', 'uWSGI', 'supervisord', 'Deployment', 'SSH', 'Linux')
            ProjectUri = 'https://github.com/uberspaceflask/UberspaceFlask'
            LicenseUri = 'https://github.com/uberspaceflask/UberspaceFlask/blob/main/LICENSE'
            ReleaseNotes = @'
0.1.0
- New-FlaskApp, New-UwsgiConfig, Register-SupervisorService, Set-WebBackend: the Uberspace Lab's Flask guide as a
  pipeline, with the guide's mistakes fixed (static/, strict/need-app/die-on-term, unquoted touch-reload, mount).
- New-UberspaceSession, Remove-UberspaceSession, Get-UberspaceHostKey, Invoke-UberspaceCommand: the same over SSH,
  with host keys that fail closed, ~/.ssh/config aliases, and SSH.NET isolated in its own load context.
'@
        }
    }
}
