# svc completion for fish.
# Load it now:        svc completion fish | source
# Or for every shell: svc completion fish > ~/.config/fish/completions/svc.fish
# It asks `svc __complete` for each Tab: commands, options and the catalog's names are never copied here.
function __svc_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct | string replace -a '\\' '' | string trim -c '\'"')
    set -l out ($tokens[1] __complete -- $tokens[2..-1] "$current" 2>/dev/null)
    switch "$out[1]"
        case :files
            __fish_complete_path "$current"
        case :dirs
            __fish_complete_directories "$current"
        case :words
            printf '%s\n' $out[2..-1]
    end
end
complete -c svc -f -a '(__svc_complete)'
