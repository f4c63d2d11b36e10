# Finds a JDK >= 25 for scripts/hpdns and scripts/test; source it, then call find_jdk.
# Looks at $JAVA_HOME, then `java` on PATH, then the newest suitable JDK under /usr/lib/jvm.
# On success it exports JAVA_HOME and sets JAVA to the java binary; otherwise it exits 1.

HPDNS_MIN_JAVA=25

# The major Java version ("25") of a java binary that belongs to a JDK (javac beside it: Maven
# compiles with it); nothing when it is not a JDK or does not run. Read from JAVA_VERSION in the
# JDK's `release` file, which every JDK build has, rather than by starting a JVM (a tenth of a
# second, on every run of scripts/hpdns); asked of the JVM only when that file has no version.
jdk_major_version() {
  local java spec line
  java=$(readlink -f "$1") || return 0
  [[ -x $java && -x ${java%/*}/javac ]] || return 0
  spec=""
  if [[ -r ${java%/bin/java}/release ]]; then
    while IFS= read -r line; do
      if [[ $line == JAVA_VERSION=* ]]; then
        spec=${line#JAVA_VERSION=}
        spec=${spec//\"/}
        break
      fi
    done <"${java%/bin/java}/release"
  fi
  if [[ -z $spec ]]; then
    spec=$("$java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = *//p' | head -n 1) || return 0
  fi
  spec=${spec#1.}            # Java 8 and older: 1.N
  spec=${spec%%[!0-9]*}      # 25.0.3, 25-ea, 8.0_392 (release) or 25 (the JVM)
  [[ $spec =~ ^[0-9]+$ ]] && echo "$spec"
  return 0
}

# Succeeds when the java binary belongs to a JDK >= $HPDNS_MIN_JAVA.
java_is_suitable() {
  local major
  major=$(jdk_major_version "$1")
  [[ -n $major ]] && ((major >= HPDNS_MIN_JAVA))
}

find_jdk() {
  local candidate major best="" best_major=0

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
    candidate=$(readlink -f "$candidate")
    JAVA_HOME=$(dirname "$(dirname "$candidate")")
    JAVA="$JAVA_HOME/bin/java"
    export JAVA_HOME
    return 0
  fi

  for candidate in /usr/lib/jvm/*/bin/java; do
    major=$(jdk_major_version "$candidate")
    if [[ -n $major ]] && ((major >= HPDNS_MIN_JAVA && major > best_major)); then
      best=$candidate
      best_major=$major
    fi
  done
  if [[ -n $best ]]; then
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$best")")")
    JAVA="$JAVA_HOME/bin/java"
    export JAVA_HOME
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
