#compdef svc
# svc completion for zsh.
# Load it now:        source <(svc completion zsh)    (after compinit)
# Or for every shell: svc completion zsh > "${fpath[1]}/_svc"
# It asks `svc __complete` for each Tab: commands, options and the catalog's names are never copied here.
_svc() {
  local -a lines candidates
  local directive line value description
  lines=("${(@f)$(${words[1]} __complete -- "${(@Q)words[2,CURRENT]}" 2>/dev/null)}")
  directive=${lines[1]}
  shift lines
  case $directive in
    :files) _files ;;
    :dirs) _files -/ ;;
    :words)
      for line in "${lines[@]}"; do
        [[ -n $line ]] || continue
        value=${line%%$'\t'*}
        if [[ $line == *$'\t'* ]]; then description=${line#*$'\t'}; else description=; fi
        # _describe splits value and description at the first unescaped colon.
        candidates+=("${value//:/\\:}${description:+:$description}")
      done
      (( ${#candidates} )) && _describe -t values svc candidates
      ;;
    *) return 1 ;;
  esac
}
if [[ ${funcstack[1]} == _svc ]]; then
  _svc "$@"
else
  compdef _svc svc
fi
