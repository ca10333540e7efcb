# bash completion for better_ping and bping: the same options, plus --watchdog-timeout for
# better_ping only. Install it as bash-completion/completions/better_ping and .../bping.
#
# Destinations come from /etc/hosts (or $HOSTFILE) through compgen -A hostname: completing
# never resolves a name, so it sends nothing over the network. Interfaces for -I come from
# /sys/class/net.

# The options of ping/options.cpp: flags, and the letters that take a value.
_better_ping_flags=(-3 -4 -6 -D -f -h -n -O -q -v -V)
_better_ping_valued=(-c -I -i -l -p -Q -s -t -w -W)

_better_ping_interfaces() {
  local entry
  for entry in /sys/class/net/*; do
    [[ -e $entry ]] && printf '%s\n' "${entry##*/}"
  done
}

# Whether the words before the current one hold `option` as a word of its own.
_better_ping_given() {
  local option=$1 i
  for ((i = 1; i < COMP_CWORD; i++)); do
    [[ ${COMP_WORDS[i]} == "$option" ]] && return 0
  done
  return 1
}

_better_ping() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  local program=${COMP_WORDS[0]##*/}
  local IFS=$'\n'  # joins the word lists below with newlines, which compgen -W splits on
  COMPREPLY=()

  local long=(--help --version)
  [[ $program == better_ping* ]] && long+=(--watchdog-timeout)

  # The value of the previous option (flags may come first: -qI, -nc). Only -I has values
  # worth offering; the others take numbers or a hex pattern.
  if [[ $prev =~ ^-[346DfhnOqvV]*I$ ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_better_ping_interfaces)" -- "$cur")
    return 0
  fi
  if [[ $prev =~ ^-[346DfhnOqvV]*[cilpQstwW]$ || $prev == = ]]; then
    return 0
  fi
  # --watchdog-timeout, or an unambiguous abbreviation of it (--wa, --watch, ...).
  if [[ $program == better_ping* && $prev == --w* && --watchdog-timeout == "$prev"* ]]; then
    return 0
  fi

  # After "--" only the destination is left.
  if _better_ping_given --; then
    mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur")
    return 0
  fi

  if [[ $cur == -* ]]; then
    local offered=("${long[@]}") word
    if [[ $cur != --* ]]; then
      for word in "${_better_ping_flags[@]}" "${_better_ping_valued[@]}"; do
        # -4 and -6 exclude each other.
        [[ $word == -4 ]] && _better_ping_given -6 && continue
        [[ $word == -6 ]] && _better_ping_given -4 && continue
        offered+=("$word")
      done
    fi
    mapfile -t COMPREPLY < <(compgen -W "${offered[*]}" -- "$cur")
    return 0
  fi

  mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur")
  return 0
}

complete -F _better_ping better_ping bping
