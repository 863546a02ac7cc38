#!/usr/bin/env bash
# Observatoire 360 — mesures de performance (make bench).
# Jeux de données générés une fois par « c360 demo-donnees » et gardés dans bench/cache/ :
#   departement : une année de département (5 000 sollicitations, 2025)
#   national    : une décennie nationale (1 000 000 sollicitations, 2016-2025)
#   echanges    : les fichiers d'échange de 101 départements sur 5 ans (2021-2025), chacun passé
#                 par la vraie chaîne (init, demo-donnees, importer, indicateurs --sortie)
# Chaque mesure est la médiane de plusieurs exécutions (temps écoulé et mémoire résidente
# maximale lus par /usr/bin/time -v). Le shell sqlite3 importe les deux mêmes CSV « bruts »
# (.mode csv, .import, sans validation) dans la même session, pour un rapport qui tienne sur une
# machine chargée.
#   bench/bench.sh                 toutes les mesures
#   bench/bench.sh consolidation   seulement la consolidation des 101 × 5 fichiers d'échange
set -euo pipefail
cd "$(dirname "$0")/.."
C360=${C360:-.build/release/c360}
CACHE=bench/cache
RUNS=${RUNS:-3}
ETAPE=${1:-tout}
case "$ETAPE" in tout|consolidation) ;; *) echo "Étape inconnue « $ETAPE » : tout (par défaut) ou consolidation." >&2; exit 2 ;; esac
export C360_AUJOURDHUI=${C360_AUJOURDHUI:-2026-01-15}
mkdir -p "$CACHE"

generer() { # nom sollicitations du au
  local d="$CACHE/$1"
  if [ ! -f "$d/.complet-$2" ]; then
    rm -rf "$d"
    echo "Génération du jeu « $1 » ($2 sollicitations)…" >&2
    "$C360" demo-donnees "$d" --sollicitations "$2" --du "$3" --au "$4" --graine 2026 > /dev/null
    touch "$d/.complet-$2"
  fi
}
if [ "$ETAPE" = tout ]; then
  generer departement 5000 2025-01-01 2025-12-31
  generer national 1000000 2016-01-01 2025-12-31
fi

# mesure NOM PREPARATION COMMANDE… : median wall time (s) and peak RSS (MiB) over RUNS runs.
declare -A TEMPS MEMOIRE
mesure() {
  local nom=$1 preparation=$2; shift 2
  local temps=() memoires=()
  for _ in $(seq "$RUNS"); do
    eval "$preparation"
    local sortie
    /usr/bin/time -v -o "$CACHE/time.txt" "$@" > /dev/null 2>&1 || true
    sortie=$(cat "$CACHE/time.txt")
    temps+=("$(echo "$sortie" | awk -F': ' '/Elapsed/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }')")
    memoires+=("$(echo "$sortie" | awk -F': ' '/Maximum resident/ { printf "%.1f", $2 / 1024 }')")
  done
  TEMPS[$nom]=$(printf '%s\n' "${temps[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  MEMOIRE[$nom]=$(printf '%s\n' "${memoires[@]}" | sort -g | tail -1)
}

NAT=$CACHE/national
WS=$CACHE/ws-national
init_ws() { rm -rf "$1"; "$C360" init "$1" --nom "Observatoire national" --departement 62 > /dev/null; }

if [ "$ETAPE" = tout ]; then

# 1. The national decade in three row orders. Its identifiers are first renumbered by a fixed
# bijection (k ↦ 7919·k + 13 mod 10⁷, in both files), so that identifier order and date order
# differ as in a real tracker; then: rows shuffled (fixed seed), sorted by date, sorted by
# identifier. Each order is imported into a new workspace; the sqlite3 shell imports the
# shuffled files raw; pandas runs the analyst's pipeline (bench/pipeline_pandas.py) on them.
ordres() {
  local o=$CACHE/national-ordres
  [ -f "$o/.complet" ] && return
  echo "Préparation des trois ordres de la décennie…" >&2
  rm -rf "$o" && mkdir -p "$o/aleatoire" "$o/date" "$o/id"
  awk -F';' -v OFS=';' -v d="$o" 'function f(s, p,  n) { n = substr(s, length(p) + 1) + 0; return p sprintf("%07d", ((n - 1) * 7919 + 13) % 10000000 + 1) }
    FNR == 1 { print > (d "/" (FILENAME ~ /sollic/ ? "s" : "p") ".entete"); next }
    FILENAME ~ /sollic/ { $1 = f($1, "S"); print > (d "/s.corps"); next }
    { $1 = f($1, "PR"); $2 = f($2, "S"); print > (d "/p.corps") }' "$NAT/sollicitations.csv" "$NAT/propositions.csv"
  shuf --random-source=<(yes 2026) "$o/s.corps" > "$o/s.melange"
  shuf --random-source=<(yes 2027) "$o/p.corps" > "$o/p.melange"
  cat "$o/s.entete" "$o/s.melange" > "$o/aleatoire/sollicitations.csv"
  cat "$o/p.entete" "$o/p.melange" > "$o/aleatoire/propositions.csv"
  { cat "$o/s.entete"; awk -F';' '{ split($2, d, "/"); print d[3] d[2] d[1] ";" $0 }' "$o/s.melange" | sort -s -t';' -k1,1 | cut -d';' -f2-; } > "$o/date/sollicitations.csv"
  { cat "$o/p.entete"; sort -s -t';' -k3,3 "$o/p.melange"; } > "$o/date/propositions.csv"
  { cat "$o/s.entete"; sort -t';' -k1,1 "$o/s.melange"; } > "$o/id/sollicitations.csv"
  { cat "$o/p.entete"; sort -t';' -k1,1 "$o/p.melange"; } > "$o/id/propositions.csv"
  for d in aleatoire date id; do cp "$NAT/acteurs.csv" "$NAT/equipe.csv" "$NAT/membres_coeur.csv" "$o/$d/"; done
  rm -f "$o"/*.corps "$o"/*.melange "$o"/*.entete
  touch "$o/.complet"
}
ordres
ORD=$CACHE/national-ordres
for ordre in aleatoire date id; do
  mesure "import-$ordre" "init_ws $CACHE/ws-$ordre" "$C360" importer --dossier "$CACHE/ws-$ordre" "$ORD/$ordre"
done
mesure sqlite "rm -f $CACHE/brut.sqlite" sqlite3 "$CACHE/brut.sqlite" -cmd ".mode csv" -cmd ".separator ;" \
  ".import $ORD/aleatoire/sollicitations.csv sollicitations" ".import $ORD/aleatoire/propositions.csv propositions"
# The first report from the raw exports: the import (above) then one year's XLSX and HTML.
mesure premier-rapport ":" "$C360" rapport --dossier "$CACHE/ws-aleatoire" --annee 2025 --format xlsx,html --sortie "$CACHE/rapports-premier"
if python3 -c "import pandas, xlsxwriter" 2>/dev/null; then
  mesure pandas "rm -rf $CACHE/pandas" python3 bench/pipeline_pandas.py "$ORD/aleatoire" 2025 "$CACHE/pandas"
else
  echo "pandas ou XlsxWriter absent : pip install pandas xlsxwriter pour la comparaison." >&2
  TEMPS[pandas]=0; MEMOIRE[pandas]=0
fi
# The ordinary decade (identifiers and dates in order) for the measures that follow.
mesure import "init_ws $WS" "$C360" importer --dossier "$WS" "$NAT"
LIGNES=$(( $(wc -l < "$NAT/sollicitations.csv") + $(wc -l < "$NAT/propositions.csv") + $(wc -l < "$NAT/acteurs.csv") + $(wc -l < "$NAT/equipe.csv") + $(wc -l < "$NAT/membres_coeur.csv") - 5 ))

# 2. Indicators and reports for one year of the national store (the store of the last import run).
mesure indicateurs ":" "$C360" indicateurs --dossier "$WS" --annee 2024 --format json
mesure rapport ":" "$C360" rapport --dossier "$WS" --annee 2024 --format xlsx,html --sortie "$CACHE/rapports"

# 3. The monthly run at département scale: eleven months imported, December dropped in the inbox.
DEP=$CACHE/departement
MODELE=$CACHE/ws-departement-modele
# Workspaces kept from an earlier run are made again when c360 changed (a newer schema would
# otherwise be migrated inside the measure).
[ -d "$MODELE" ] && [ "$C360" -nt "$MODELE" ] && rm -rf "$MODELE"
if [ ! -d "$MODELE" ]; then
  init_ws "$MODELE"
  mkdir -p "$CACHE/dep-jan-nov" "$CACHE/dep-dec"
  for f in acteurs equipe membres_coeur; do cp "$DEP/$f.csv" "$CACHE/dep-jan-nov/"; done
  awk -F';' 'NR == 1 || $2 !~ /\/12\/2025$/' "$DEP/sollicitations.csv" > "$CACHE/dep-jan-nov/sollicitations.csv"
  awk -F';' 'NR == 1 || $2 ~ /\/12\/2025$/' "$DEP/sollicitations.csv" > "$CACHE/dep-dec/sollicitations-2025-12.csv"
  awk -F';' 'NR == 1 || $3 !~ /^2025-12/' "$DEP/propositions.csv" > "$CACHE/dep-jan-nov/propositions.csv"
  awk -F';' 'NR == 1 || $3 ~ /^2025-12/' "$DEP/propositions.csv" > "$CACHE/dep-dec/propositions-2025-12.csv"
  "$C360" importer --dossier "$MODELE" "$CACHE/dep-jan-nov" > /dev/null || true
  "$C360" executer --dossier "$MODELE" --mois 2025-11 > /dev/null || true
fi
WSD=$CACHE/ws-departement
mesure executer "rm -rf $WSD && cp -a $MODELE $WSD && cp $CACHE/dep-dec/*.csv $WSD/a-traiter/" "$C360" executer --dossier "$WSD" --mois 2025-12

# 4. Snapshot imports of the national decade (a tracker re-exported whole every month, at
# national scale): the first snapshot, then the same files with 1 % of the rows changed
# (every hundredth request changes its channel, every hundredth proposition its decision).
NAT1=$CACHE/national-1pc
if [ ! -f "$NAT1/.complet" ]; then
  rm -rf "$NAT1" && mkdir -p "$NAT1"
  cp "$NAT/acteurs.csv" "$NAT/equipe.csv" "$NAT/membres_coeur.csv" "$NAT1/"
  awk -F';' -v OFS=';' 'NR > 1 && NR % 100 == 0 && NF == 19 { $14 = ($14 == "mail" ? "autre" : "mail") } 1' "$NAT/sollicitations.csv" > "$NAT1/sollicitations.csv"
  awk -F';' -v OFS=';' 'NR > 1 && NR % 100 == 0 && NF == 9 { $7 = ($7 == "acceptee" ? "refusee" : "acceptee") } 1' "$NAT/propositions.csv" > "$NAT1/propositions.csv"
  touch "$NAT1/.complet"
fi
WSI=$CACHE/ws-instantane
mesure instantane "init_ws $WSI" "$C360" importer --instantane --dossier "$WSI" "$NAT"
WSIM=$CACHE/ws-instantane-modele
[ -f "$WSIM/.complet" ] && [ "$C360" -nt "$WSIM/.complet" ] && rm -rf "$WSIM"
if [ ! -f "$WSIM/.complet" ]; then
  init_ws "$WSIM" && "$C360" importer --instantane --dossier "$WSIM" "$NAT" > /dev/null || true
  touch "$WSIM/.complet"
fi
WSR=$CACHE/ws-reimport
mesure reimport "rm -rf $WSR && cp -a $WSIM $WSR" "$C360" importer --instantane --dossier "$WSR" "$NAT1"
rm -rf "$WSR" && cp -a "$WSIM" "$WSR"
"$C360" importer --instantane --format json --dossier "$WSR" "$NAT1" > "$CACHE/reimport.json" 2>/dev/null || true
modifiees=$(grep -o '"modifiees":[0-9]*' "$CACHE/reimport.json" | awk -F: '{ s += $2 } END { print s }')

fi

# 5. Regional and national consolidation: the exchange files of the 101 départements over five
# years (505 files), each C360 through the real chain once (a few thousand requests over five
# years, sizes varying); then « consolider » on the whole folder (2025 with 2024, the other
# years read and set aside), reports in the three formats.
ECH=$CACHE/echanges-101x5
if [ ! -f "$ECH/.complet" ]; then
  rm -rf "$ECH" "$CACHE/ws-echanges" && mkdir -p "$ECH" "$CACHE/ws-echanges"
  echo "Génération des fichiers d'échange (101 départements × 5 ans)…" >&2
  k=0
  for dep in $(grep -v '^#' Sources/ObservatoireConsolidation/departements.csv | tail -n +2 | cut -d';' -f1); do
    k=$((k + 1))
    ws=$CACHE/ws-echanges/$dep
    "$C360" init "$ws" --nom "Communauté 360 $dep (mesures)" --departement "$dep" > /dev/null
    "$C360" demo-donnees "$ws/exports" --sollicitations $((800 + (k * 397) % 9000)) --du 2021-01-01 --au 2025-12-31 \
      --graine $((2026 + k)) > /dev/null
    "$C360" importer --dossier "$ws" "$ws/exports" > /dev/null || true
    for annee in 2021 2022 2023 2024 2025; do
      "$C360" indicateurs --dossier "$ws" --annee "$annee" --diffusion externe --format csv --sortie "$ECH" > /dev/null
    done
    rm -rf "$ws"
  done
  touch "$ECH/.complet"
fi
mesure consolidation "rm -rf $CACHE/consolidation" "$C360" consolider "$ECH" --sortie "$CACHE/consolidation"
FICHIERS=$(find "$ECH" -name '*.csv' | wc -l)

if [ "$ETAPE" = tout ]; then
  ratioInstantane=$(awk -v a="${TEMPS[reimport]}" -v b="${TEMPS[instantane]}" 'BEGIN { printf "%.2f", a / b }')
  debit=$(awk -v n="$LIGNES" -v t="${TEMPS[import]}" 'BEGIN { printf "%.0f", n / t }')
  ok() { awk -v v="$1" -v c="$2" 'BEGIN { print (v <= c ? "atteinte" : "manquée") }'; }
  printf '\nObservatoire 360 — mesures (médiane de %s exécutions, %s, %s cœurs)\n\n' "$RUNS" "$(uname -m)" "$(nproc)"
  printf '| mesure | temps (s) | mémoire max (Mio) | cible | atteinte |\n|---|---|---|---|---|\n'
  # Issue 15: each order ≤ 1.0 × the shell, spread between orders ≤ 15 %, import + first
  # report ≤ 2.0 × pandas, peak memory ≤ 100 MiB.
  pour() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
  plus_lent=$(printf '%s\n' "${TEMPS[import-aleatoire]}" "${TEMPS[import-date]}" "${TEMPS[import-id]}" | sort -g | tail -1)
  plus_rapide=$(printf '%s\n' "${TEMPS[import-aleatoire]}" "${TEMPS[import-date]}" "${TEMPS[import-id]}" | sort -g | head -1)
  ecart=$(awk -v a="$plus_lent" -v b="$plus_rapide" 'BEGIN { printf "%.0f", (a / b - 1) * 100 }')
  pipeline=$(awk -v a="${TEMPS[import-aleatoire]}" -v b="${TEMPS[premier-rapport]}" 'BEGIN { printf "%.2f", a + b }')
  for ordre in aleatoire date id; do
    r=$(pour "${TEMPS[import-$ordre]}" "${TEMPS[sqlite]}")
    printf '| import de la décennie, lignes %s (%s lignes) | %s | %s | ≤ 1,0 × sqlite3 ; ≤ 100 Mio | %s (%s ×) / %s |\n' \
      "$(case $ordre in aleatoire) echo "mélangées" ;; date) echo "par date" ;; id) echo "par identifiant" ;; esac)" "$LIGNES" \
      "${TEMPS[import-$ordre]}" "${MEMOIRE[import-$ordre]}" "$(ok "$r" 1)" "$r" "$(ok "${MEMOIRE[import-$ordre]}" 100)"
  done
  printf '| écart entre les trois ordres | %s %% | | ≤ 15 %% | %s |\n' "$ecart" "$(ok "$ecart" 15)"
  printf '| shell sqlite3, .import brut des fichiers mélangés | %s | %s | — | — |\n' "${TEMPS[sqlite]}" "${MEMOIRE[sqlite]}"
  printf '| premier rapport 2025 (xlsx, html) après l’import mélangé | %s | %s | — | — |\n' "${TEMPS[premier-rapport]}" "${MEMOIRE[premier-rapport]}"
  printf '| import + premier rapport | %s | | ≤ 2,0 × pandas | %s (%s ×) |\n' "$pipeline" "$(ok "$(pour "$pipeline" "${TEMPS[pandas]}")" 2)" "$(pour "$pipeline" "${TEMPS[pandas]}")"
  printf '| pandas + XlsxWriter (bench/pipeline_pandas.py : lecture, une année, xlsx et html) | %s | %s | — | — |\n' "${TEMPS[pandas]}" "${MEMOIRE[pandas]}"
  printf '| import décennie ordinaire (identifiants et dates dans l’ordre, %s lignes/s) | %s | %s | — | — |\n' "$debit" "${TEMPS[import]}" "${MEMOIRE[import]}"
  printf '| indicateurs --annee 2024 (JSON, avec N-1) | %s | %s | < 1 | %s |\n' "${TEMPS[indicateurs]}" "${MEMOIRE[indicateurs]}" "$(ok "${TEMPS[indicateurs]}" 1)"
  printf '| rapport --format xlsx,html (indicateurs, territoires, deux fichiers) | %s | %s | < 1,5 | %s |\n' "${TEMPS[rapport]}" "${MEMOIRE[rapport]}" "$(ok "${TEMPS[rapport]}" 1.5)"
  printf '| executer, un mois de département (import, archives, 5 fichiers de rapport) | %s | %s | < 0,5 | %s |\n' "${TEMPS[executer]}" "${MEMOIRE[executer]}" "$(ok "${TEMPS[executer]}" 0.5)"
  printf '| import instantané de la décennie (premier état complet) | %s | %s | — | — |\n' "${TEMPS[instantane]}" "${MEMOIRE[instantane]}"
  printf '| réimport instantané, 1 %% des lignes modifiées (%s lignes modifiées) | %s | %s | ≤ 1 × le premier | %s (%s ×) |\n' \
    "$modifiees" "${TEMPS[reimport]}" "${MEMOIRE[reimport]}" "$(awk -v r="$ratioInstantane" 'BEGIN { print (r <= 1 ? "atteinte" : "manquée") }')" "$ratioInstantane"
else
  printf '\nObservatoire 360 — mesures (médiane de %s exécutions, %s, %s cœurs)\n\n' "$RUNS" "$(uname -m)" "$(nproc)"
  printf '| mesure | temps (s) | mémoire max (Mio) | cible | atteinte |\n|---|---|---|---|---|\n'
fi
printf '| consolider, 101 départements × 5 ans (%s fichiers ; 2025 avec 2024 ; xlsx, html, csv) | %s | %s | — | — |\n' \
  "$FICHIERS" "${TEMPS[consolidation]}" "${MEMOIRE[consolidation]}"
