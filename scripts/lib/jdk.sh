# Finds a JDK >= 25 for scripts/hpdns and scripts/test; source it, then call find_jdk.
# Looks at $JAVA_HOME, then `java` on PATH, then the newest suitable JDK under /usr/lib/jvm.
# On success it exports JAVA_HOME and sets JAVA to the java binary; otherwise it exits 1.

HPDNS_MIN_JAVA=25

# Sets jdk_java to a java binary (resolved when it is a symbolic link), and jdk_major to its major Java
# version ("25") when it belongs to a JDK (javac beside it: Maven compiles with it), else to
# nothing. The version is JAVA_VERSION in the JDK's `release` file, which every JDK build has,
# rather than asked of a JVM (a tenth of a second, on every run of scripts/hpdns); the JVM is asked
# only when that file has no version. Results in variables, not printed: each command substitution
# is a process, and scripts/hpdns ctl is meant to answer in a fraction of a second.
jdk_major_version() {
  local spec="" line
  jdk_major=""
  jdk_java=$1
  if [[ -L $jdk_java ]]; then   # e.g. /usr/bin/java, through /etc/alternatives
    jdk_java=$(readlink -f "$jdk_java") || return 0
  fi
  [[ -x $jdk_java && -x ${jdk_java%/*}/javac ]] || return 0
  if [[ -r ${jdk_java%/*/*}/release ]]; then
    while IFS= read -r line; do
      if [[ $line == JAVA_VERSION=* ]]; then
        spec=${line#JAVA_VERSION=}
        spec=${spec//\"/}
        break
      fi
    done <"${jdk_java%/*/*}/release"
  fi
  if [[ -z $spec ]]; then
    spec=$("$jdk_java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = *//p' | head -n 1) || return 0
  fi
  spec=${spec#1.}            # Java 8 and older: 1.N
  spec=${spec%%[!0-9]*}      # 25.0.3, 25-ea, 8.0_392 (release) or 25 (the JVM)
  if [[ $spec =~ ^[0-9]+$ ]]; then
    jdk_major=$spec
  fi
  return 0
}

# Succeeds when the java binary belongs to a JDK >= $HPDNS_MIN_JAVA; sets jdk_java as above.
java_is_suitable() {
  jdk_major_version "$1"
  [[ -n $jdk_major ]] && ((jdk_major >= HPDNS_MIN_JAVA))
}

# Sets JAVA_HOME (exported) and JAVA from a java binary as jdk_major_version resolved it.
use_jdk() {
  JAVA_HOME=${1%/*/*}
  JAVA="$JAVA_HOME/bin/java"
  export JAVA_HOME
}

find_jdk() {
  local candidate best="" best_major=0

  if [[ -n ${JAVA_HOME:-} ]]; then
    if java_is_suitable "$JAVA_HOME/bin/java"; then
      JAVA="$JAVA_HOME/bin/java"
      export JAVA_HOME
      return 0
    fi
    echo "hpdns: ignoring JAVA_HOME=$JAVA_HOME: not a JDK >= $HPDNS_MIN_JAVA" >&2
  fi

  candidate=$(command -v java || true)
  if [[ -n $candidate ]] && java_is_suitable "$candidate"; then
    use_jdk "$jdk_java"
    return 0
  fi

  for candidate in /usr/lib/jvm/*/bin/java; do
    jdk_major_version "$candidate"
    if [[ -n $jdk_major ]] && ((jdk_major >= HPDNS_MIN_JAVA && jdk_major > best_major)); then
      best=$jdk_java
      best_major=$jdk_major
    fi
  done
  if [[ -n $best ]]; then
    use_jdk "$best"
    return 0
  fi

  echo "hpdns: needs a JDK >= $HPDNS_MIN_JAVA; install one, e.g. 'apt-get install temurin-25-jdk'" \
    "(Adoptium repository) or download from https://adoptium.net, or set JAVA_HOME" >&2
  exit 1
}

# Maven itself runs on the JDK found: the first two options keep JDK 25 from warning about
# Maven's own libraries; jansi.noreset stops Maven 3.8 from printing stray ANSI resets on exit.
maven_opts_for_jdk() {
  local opt
  for opt in --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djansi.noreset=true; do
    case " ${MAVEN_OPTS:-} " in
      *" $opt "*) ;;
      *) MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }$opt" ;;
    esac
  done
  export MAVEN_OPTS
}

# Fails with the install hint when Maven is missing.
require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "hpdns: needs Maven (mvn) to build; install it, e.g. 'apt-get install maven'" >&2
    exit 1
  fi
}
