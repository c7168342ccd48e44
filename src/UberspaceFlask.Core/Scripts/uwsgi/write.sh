# shellcheck shell=sh
# uwsgi/write.sh: writes uwsgi.ini. $1 its path, $2 the content in base64, $3 where to keep the old content ('').
# uses: files
write_file "$1" "$2" "$3"
