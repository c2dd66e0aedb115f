# svc completion for bash.
# Load it now:        source <(svc completion bash)
# Or for every shell: svc completion bash > ~/.local/share/bash-completion/completions/svc
# It asks `svc __complete` for each Tab: commands, options and the catalog's names are never copied here.
_svc_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  # The word as meant: quotes and backslashes typed to keep spaces are not part of it.
  cur=${cur#[\"\']}
  cur=${cur//\\/}
  local out
  out=$("${COMP_WORDS[0]}" __complete -- "${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null) || return 0
  local directive=${out%%$'\n'*}
  COMPREPLY=()
  case $directive in
    :files) compopt -o default 2>/dev/null; return 0 ;;
    :dirs) compopt -o dirnames 2>/dev/null; return 0 ;;
    :words) [[ $out == *$'\n'* ]] || return 0 ;;
    *) return 0 ;;
  esac
  local line value
  while IFS= read -r line; do
    value=${line%%$'\t'*}
    [[ -n $value ]] || continue
    # Names with spaces (pool names, products) go in escaped, as one word.
    COMPREPLY+=("$(printf '%q' "$value")")
  done <<< "${out#*$'\n'}"
  return 0
}
complete -F _svc_complete svc
