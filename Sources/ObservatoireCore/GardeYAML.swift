import CYaml
import Foundation

/// A check of a YAML text **before** Yams composes it: aliases are bounded and complex keys
/// refused, so that an « alias bomb » (a few lines whose anchors refer to each other, thousands
/// of times over) can neither exhaust the memory nor hang the run.
///
/// Why a pass of its own: Yams's composer checks a mapping for duplicate keys by hashing them,
/// and hashing a key that is an alias bomb walks its exponential expansion — before any code
/// of ours sees the tree. The check reads the event stream of libyaml itself (the `CYaml`
/// module that Yams is built on, so both see exactly the same events), computes the size each
/// anchor stands for and adds it at every alias, without expanding anything.
///
/// ```swift
/// try GardeYAML.verifier(texte, fichier: "observatoire.yml", titre: "Configuration invalide")
/// ```
public enum GardeYAML {
    /// Largest number of nodes the document may stand for once its aliases are expanded.
    public static let noeudsMaximum = 100_000

    public static func verifier(_ texte: String, fichier: String, titre: String) throws {
        var parseur = yaml_parser_t()
        guard yaml_parser_initialize(&parseur) == 1 else { return }
        defer { yaml_parser_delete(&parseur) }
        let octets = Array(texte.utf8)
        try octets.withUnsafeBufferPointer { p in
            yaml_parser_set_input_string(&parseur, p.baseAddress, p.count)

            /// An open collection: its expanded size so far, its anchor, and (for a mapping)
            /// whether the next node is a key.
            struct Ouvert {
                var taille = 1
                var ancre: String?
                var estTable: Bool
                var attendCle = true
            }
            var pile: [Ouvert] = []
            var ancres: [String: Int] = [:]

            func refus(_ ligne: Int, _ probleme: String) -> ErreurObservatoire {
                ErreurObservatoire(.usage, "\(titre) — \(fichier), ligne \(ligne) : \(probleme).",
                                   conseil: "Écrivez les valeurs en toutes lettres, sans ancres (&nom) ni alias (*nom), avec des clés simples (« nom: valeur »), puis relancez la commande.")
            }
            func borne(_ a: Int, _ b: Int) -> Int { min(noeudsMaximum + 1, a &+ b) }

            /// A complete node of `taille` nodes: added to its parent, and checked as a key.
            func ajouter(_ taille: Int, complexe: Bool, ligne: Int) throws {
                let trop = refus(ligne, "les alias du document représentent plus de \(FormatFrancais.entier(noeudsMaximum)) éléments une fois développés (bombe d'alias ?)")
                guard !pile.isEmpty else {
                    if taille > noeudsMaximum { throw trop }
                    return
                }
                let i = pile.count - 1
                if pile[i].estTable {
                    if pile[i].attendCle && complexe {
                        throw refus(ligne, "une clé est une liste, une rubrique ou un alias ; seules les clés simples sont acceptées")
                    }
                    pile[i].attendCle.toggle()
                }
                pile[i].taille = borne(pile[i].taille, taille)
                if pile[i].taille > noeudsMaximum { throw trop }
            }

            func ancre(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
                p.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            }

            var evenement = yaml_event_t()
            while true {
                // A syntax error: Yams reports it with its line, in French, right after.
                guard yaml_parser_parse(&parseur, &evenement) == 1 else { return }
                defer { yaml_event_delete(&evenement) }
                let ligne = Int(evenement.start_mark.line) + 1
                switch evenement.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    if let a = ancre(evenement.data.scalar.anchor) { ancres[a] = 1 }
                    try ajouter(1, complexe: false, ligne: ligne)
                case YAML_ALIAS_EVENT:
                    guard let nom = ancre(evenement.data.alias.anchor), let cible = ancres[nom] else { return }
                    try ajouter(cible, complexe: true, ligne: ligne)
                case YAML_SEQUENCE_START_EVENT:
                    pile.append(Ouvert(ancre: ancre(evenement.data.sequence_start.anchor), estTable: false))
                case YAML_MAPPING_START_EVENT:
                    pile.append(Ouvert(ancre: ancre(evenement.data.mapping_start.anchor), estTable: true))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let ferme = pile.popLast() else { return }
                    if let a = ferme.ancre { ancres[a] = ferme.taille }
                    try ajouter(ferme.taille, complexe: true, ligne: ligne)
                default:
                    break
                }
            }
        }
    }
}
