import Foundation
import ObservatoireCore

/// Which field of a file feeds which column of a canonical table.
///
/// Header names are matched after normalisation (`Date sollicitation` = `date_sollicitation`,
/// `Membre cœur` = `membre_coeur`). Columns that match nothing are ignored and **never
/// stored**: they may hold names, phone numbers or notes.
public struct Correspondance: Sendable {
    public let table: TableCanonique
    /// For each column of `table.colonnes`, the index of the file's field, or nil when absent.
    public let indices: [Int?]
    /// Header names of the file that feed no column (ignored).
    public let ignorees: [String]

    /// Positions (in `table.colonnes`) of the identifier's columns.
    let positionsIdentifiant: [Int]

    init(table: TableCanonique, indices: [Int?], ignorees: [String]) {
        self.table = table
        self.indices = indices
        self.ignorees = ignorees
        positionsIdentifiant = table.identifiant.compactMap { c in table.colonnes.firstIndex { $0.nom == c } }
    }

    /// Maps `entete` onto `table`. `renommages` (from a mapping profile) turns a file's header
    /// name into a canonical column name first; a column given a constant by the profile may be
    /// absent. Throws when a required column is missing or a
    /// column appears twice, listing the columns found and the closest names.
    public static func etablir(entete: [String], table: TableCanonique, fichier: String,
                               renommages: [String: String] = [:], constantes: [String: String] = [:]) throws -> Correspondance {
        let renommes = Dictionary(renommages.map { (Normalisation.cle($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
        var parNom: [String: Int] = [:]
        for (i, c) in table.colonnes.enumerated() { for cle in c.clesEntete { parNom[cle] = i } }
        var indices = [Int?](repeating: nil, count: table.colonnes.count)
        var ignorees: [String] = []
        for (position, nom) in entete.enumerated() {
            let cle = Normalisation.cle(nom)
            let cible = renommes[cle].map { Normalisation.cle($0) } ?? cle
            guard !cible.isEmpty, let i = parNom[cible] else {
                if !nom.isEmpty { ignorees.append(nom) }
                continue
            }
            if let deja = indices[i] {
                throw FichierIllisible(
                    fichier: fichier,
                    raison: "les colonnes « \(entete[deja]) » et « \(nom) » correspondent toutes deux à « \(table.colonnes[i].nom) »",
                    conseil: "Supprimez ou renommez l'une des deux dans l'export.")
            }
            indices[i] = position
        }
        let manquantes = table.colonnes.enumerated()
            .filter { indices[$0.offset] == nil && $0.element.enTeteObligatoire && constantes[$0.element.nom] == nil }
            .map(\.element.nom)
        if !manquantes.isEmpty {
            // A header quotes its names; a data row taken for a header (an export without its
            // header line) is never quoted: it holds personal values.
            let cellules = entete.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            let ressembleAUnEnTete = indices.contains { $0 != nil }
                || (!cellules.isEmpty && cellules.allSatisfy { Masque.ressembleAUnEnTete($0) && !$0.contains(where: \.isNumber) })
            let details = manquantes.map { nom -> String in
                let proches = ressembleAUnEnTete ? Normalisation.plusProches(nom, parmi: ignorees.filter(Masque.ressembleAUnEnTete)) : []
                return proches.isEmpty ? "« \(nom) »" : "« \(nom) » (la plus proche dans le fichier : « \(proches[0]) »)"
            }
            let pluriel = manquantes.count > 1 ? "s" : ""
            let debut = "colonne\(pluriel) obligatoire\(pluriel) absente\(pluriel) pour la table \(table.libelle) : \(details.joined(separator: ", "))"
            guard ressembleAUnEnTete else {
                throw FichierIllisible(
                    fichier: fichier,
                    raison: debut + ". Aucune colonne du format n'a été reconnue : la ligne prise pour l'en-tête ne ressemble pas à des noms de colonnes (elle n'est pas reproduite ici, elle peut contenir des données personnelles)",
                    conseil: "Vérifiez que l'export commence par sa ligne d'en-tête (les noms des colonnes), ou utilisez un profil de correspondance (--profil).")
            }
            throw FichierIllisible(
                fichier: fichier,
                raison: debut + ". Colonnes trouvées : \(Masque.listeEntetes(entete))",
                conseil: "Renommez les colonnes de l'export comme dans le format canonique, ou utilisez un profil de correspondance (--profil).")
        }
        return Correspondance(table: table, indices: indices, ignorees: ignorees)
    }

    /// The table whose columns the header matches: every required column present, and the
    /// most columns matched. Nil when none fits.
    public static func tableDepuisEntete(_ entete: [String], renommages: [String: String] = [:]) -> TableCanonique? {
        let renommes = Dictionary(renommages.map { (Normalisation.cle($0.key), Normalisation.cle($0.value)) }, uniquingKeysWith: { a, _ in a })
        let noms = Set(entete.map { n -> String in let c = Normalisation.cle(n); return renommes[c] ?? c })
        var meilleure: (TableCanonique, Int)?
        for t in TableCanonique.allCases {
            let obligatoires = t.colonnes.filter(\.enTeteObligatoire)
            guard obligatoires.allSatisfy({ $0.clesEntete.contains(where: noms.contains) }) else { continue }
            let score = t.colonnes.filter { $0.clesEntete.contains(where: noms.contains) }.count
            if meilleure == nil || score > meilleure!.1 { meilleure = (t, score) }
        }
        return meilleure?.0
    }

    /// The values of one record, one per canonical column (nil when the file has no such column).
    public func valeurs(_ champs: [String]) -> [String?] {
        indices.map { i in
            guard let i else { return nil }
            return i < champs.count ? champs[i] : ""
        }
    }
}
