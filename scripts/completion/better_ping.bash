# bash completion for better_ping and bping: the same options, plus --watchdog-timeout for
# better_ping only and the exporter's --metrics-* options for bping (build/bin/ping) only.
# Install it as bash-completion/completions/better_ping and .../bping.
#
# Destinations (any number of them) come from /etc/hosts (or $HOSTFILE) through compgen -A
# hostname: completing never resolves a name, so it sends nothing over the network. Interfaces
# for -I come from /sys/class/net; --targets takes a file name; --summary-every takes seconds,
# --metrics-listen ADDR:PORT and --metrics-buckets a list of seconds (nothing is offered for
# them); --metrics-names takes better_ping or smokeping.

# The options of ping/cli/options.cpp: flags, and the letters that take a value.
_better_ping_flags=(-3 -4 -6 -a -A -b -B -C -d -D -f -h -H -L -n -O -q -r -R -U -v -V)
_better_ping_valued=(-c -e -F -I -i -l -m -M -N -p -Q -s -S -t -T -w -W)
# The words -M, -T and -N take (ping/cli/option_values.cpp; -N help lists the last).
_better_ping_pmtu=('do' dont want probe)
_better_ping_timestamp=(tsonly tsandaddr tsprespec)
_better_ping_nodeinfo=(help name ipv6 ipv6-all ipv6-compatible ipv6-global ipv6-linklocal
                       ipv6-sitelocal ipv4 ipv4-all subject-ipv6= subject-ipv4= subject-name=
                       subject-fqdn=)
# The words --metrics-names takes (ping/cli/option_values.cpp).
_better_ping_metric_names=(better_ping smokeping)

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

# The option whose value the current word is part of, or "": bash splits a word at ":" and
# "=" (COMP_WORDBREAKS), so "--metrics-listen=[::1]:9" arrives as --metrics-listen = [ :: 1]
# : 9. Steps back over the pieces joined by colons, then over a "=".
_better_ping_value_option() {
  local j=$COMP_CWORD
  while ((j > 1)) && [[ ${COMP_WORDS[j - 1]} =~ ^:+$ || ${COMP_WORDS[j]} =~ ^:+$ ]]; do
    ((j--))
  done
  ((j > 1)) && [[ ${COMP_WORDS[j - 1]} == = ]] && ((j--))
  ((j > 0)) && printf '%s' "${COMP_WORDS[j - 1]}"
}

_better_ping() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  local program=${COMP_WORDS[0]##*/}
  local IFS=$'\n'  # joins the word lists below with newlines, which compgen -W splits on
  COMPREPLY=()

  local long=(--help --json --stats --summary-every --targets --version)
  if [[ $program == better_ping* ]]; then
    long+=(--watchdog-timeout)
  else
    long+=(--metrics-allow-remote --metrics-buckets --metrics-listen --metrics-names)
  fi

  # The value of the previous option (flags may come first: -qI, -nc). -I, -M, -N and -T
  # have values worth offering; the others take numbers or a hex pattern.
  local flag_letters='[346aAbBCdDfhHLnOqrRUvV]*'
  if [[ $prev =~ ^-${flag_letters}I$ ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_better_ping_interfaces)" -- "$cur")
    return 0
  fi
  if [[ $prev =~ ^-${flag_letters}M$ ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_better_ping_pmtu[*]}" -- "$cur")
    return 0
  fi
  if [[ $prev =~ ^-${flag_letters}T$ ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_better_ping_timestamp[*]}" -- "$cur")
    return 0
  fi
  if [[ $prev =~ ^-${flag_letters}N$ ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_better_ping_nodeinfo[*]}" -- "$cur")
    # A subject (subject-name=) wants its value right after the "=".
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && { compopt -o nospace 2>/dev/null || true; }
    return 0
  fi
  # --targets FILE, --targets=FILE (bash splits the "=" into a word of its own), or an
  # abbreviation (--targ): file names; "-" (standard input) is for the user to type.
  local option=$prev
  [[ $prev == = ]] && ((COMP_CWORD > 1)) && option=${COMP_WORDS[COMP_CWORD - 2]}
  if [[ $option == --t* && --targets == "$option"* ]]; then
    compopt -o filenames 2>/dev/null || true
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return 0
  fi
  # bping's exporter options, in full, as --option=VALUE or abbreviated (--metrics-n): the
  # names offered, nothing for an address or a bucket list (neither is a host).
  if [[ $program != better_ping* ]]; then
    local value_option
    value_option=$(_better_ping_value_option)
    if [[ $value_option == --metrics-n* && --metrics-names == "$value_option"* ]]; then
      local word=$cur
      [[ $word == = ]] && word=  # right after "--metrics-names="
      mapfile -t COMPREPLY < <(compgen -W "${_better_ping_metric_names[*]}" -- "$word")
      return 0
    fi
    if [[ $value_option == --metrics-[lb]* &&
          (--metrics-listen == "$value_option"* || --metrics-buckets == "$value_option"*) ]]; then
      return 0
    fi
  fi
  if [[ $prev =~ ^-${flag_letters}[ceFilmpQsStwW]$ || $prev == = ]]; then
    return 0
  fi
  # --summary-every SECONDS, or an unambiguous abbreviation of it (--su, --summ, ...).
  if [[ $prev == --su* && --summary-every == "$prev"* ]]; then
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
