# shellcheck shell=sh
# apps/remove.sh: deletes an app directory. $1 the directory (absolute, checked by the module).
# uses: (proto only)
rm -rf -- "$1"
