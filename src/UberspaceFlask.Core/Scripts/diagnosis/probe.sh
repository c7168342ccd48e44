# shellcheck shell=sh
# diagnosis/probe.sh: every link from the app directory to the frontend, in one round trip (Test-FlaskDeployment):
# diagnose_guide in lib.sh, which says what its parameters are.
# uses: diagnosis
diagnose_guide "$@"
