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

# 1. Import of the national decade, and the sqlite3 shell on the same two files.
mesure import "init_ws $WS" "$C360" importer --dossier "$WS" "$NAT"
mesure sqlite "rm -f $CACHE/brut.sqlite" sqlite3 "$CACHE/brut.sqlite" -cmd ".mode csv" -cmd ".separator ;" \
  ".import $NAT/sollicitations.csv sollicitations" ".import $NAT/propositions.csv propositions"
LIGNES=$(( $(wc -l < "$NAT/sollicitations.csv") + $(wc -l < "$NAT/propositions.csv") + $(wc -l < "$NAT/acteurs.csv") + $(wc -l < "$NAT/equipe.csv") + $(wc -l < "$NAT/membres_coeur.csv") - 5 ))

# 2. Indicators and reports for one year of the national store (the store of the last import run).
mesure indicateurs ":" "$C360" indicateurs --dossier "$WS" --annee 2024 --format json
mesure rapport ":" "$C360" rapport --dossier "$WS" --annee 2024 --format xlsx,html --sortie "$CACHE/rapports"

# 3. The monthly run at département scale: eleven months imported, December dropped in the inbox.
DEP=$CACHE/departement
MODELE=$CACHE/ws-departement-modele
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
  ratio=$(awk -v a="${TEMPS[import]}" -v b="${TEMPS[sqlite]}" 'BEGIN { printf "%.2f", a / b }')
  ratioInstantane=$(awk -v a="${TEMPS[reimport]}" -v b="${TEMPS[instantane]}" 'BEGIN { printf "%.2f", a / b }')
  debit=$(awk -v n="$LIGNES" -v t="${TEMPS[import]}" 'BEGIN { printf "%.0f", n / t }')
  ok() { awk -v v="$1" -v c="$2" 'BEGIN { print (v <= c ? "atteinte" : "manquée") }'; }
  printf '\nObservatoire 360 — mesures (médiane de %s exécutions, %s, %s cœurs)\n\n' "$RUNS" "$(uname -m)" "$(nproc)"
  printf '| mesure | temps (s) | mémoire max (Mio) | cible | atteinte |\n|---|---|---|---|---|\n'
  printf '| import décennie nationale (%s lignes, %s lignes/s) | %s | %s | ≤ 0,8 × sqlite3 ; < 100 Mio | %s / %s |\n' \
    "$LIGNES" "$debit" "${TEMPS[import]}" "${MEMOIRE[import]}" "$(awk -v r="$ratio" 'BEGIN { print (r <= 0.8 ? "atteinte" : "manquée") }')" \
    "$(awk -v m="${MEMOIRE[import]}" 'BEGIN { print (m < 100 ? "atteinte" : "manquée") }')"
  printf '| shell sqlite3, .import brut des mêmes fichiers | %s | %s | — | — |\n' "${TEMPS[sqlite]}" "${MEMOIRE[sqlite]}"
  printf '| rapport import / sqlite3 | %s | | ≤ 0,8 | %s |\n' "$ratio" "$(awk -v r="$ratio" 'BEGIN { print (r <= 0.8 ? "atteinte" : "manquée") }')"
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
