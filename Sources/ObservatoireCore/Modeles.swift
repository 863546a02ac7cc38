import Foundation

// The domain of `spec/format-export.md`, as plain value types. Enumerated values keep the
// spec's French snake_case spelling as their raw value: that is what the database stores.

public enum Profil: String, CaseIterable, Sendable {
    case enfantSH = "enfant_sh", adulteSH = "adulte_sh", aidant, professionnel
}

public enum TypeDemande: String, CaseIterable, Sendable {
    case information, orientation, rechercheSolution = "recherche_solution"
}

public enum Origine: String, CaseIterable, Sendable {
    case demande, reperage360 = "reperage_360"
}

public enum ProjetVieCoConstruit: String, CaseIterable, Sendable {
    case personne, aidant, pairAidant = "pair_aidant", non
}

public enum Canal: String, CaseIterable, Sendable {
    case numeroVert = "numero_vert", mail, ficheSaisine = "fiche_saisine", partenaire, autre
}

public enum TrancheAge: String, CaseIterable, Sendable {
    case moins16 = "moins_16", de16a21 = "16_21", plus21 = "plus_21"
}

public enum Decision: String, CaseIterable, Sendable {
    case acceptee, refusee, enAttente = "en_attente", sansSuite = "sans_suite"
}

public enum Categorie: String, CaseIterable, Sendable {
    case droitCommun = "droit_commun", specialise
}

public enum Fonction: String, CaseIterable, Sendable {
    case coordinateur, conseillerParcours = "conseiller_parcours", autre
}

/// One request received by the C360 (table `sollicitations`). `personne` holds the pseudonym,
/// never the identifier of the source tool.
public struct Sollicitation: Equatable, Sendable {
    public var idSollicitation: String
    public var dateSollicitation: Jour
    public var personne: String
    /// Nil when the source does not collect the column (`Obligation.siCollectee`), as for the
    /// other optional values below.
    public var profil: Profil?
    public var typeDemande: TypeDemande?
    public var problematiques: [String]
    public var origine: Origine?
    public var accompagnee: Bool?
    public var projetVieCoConstruit: ProjetVieCoConstruit?
    public var territoire: String
    public var departement: String
    public var canal: Canal?
    public var niveauIntervention: Int?
    public var orientationRapt: Bool?
    public var trancheAge: TrancheAge?
    public var dateCloture: Jour?

    public init(idSollicitation: String, dateSollicitation: Jour, personne: String, profil: Profil?,
                typeDemande: TypeDemande?, problematiques: [String], origine: Origine?, accompagnee: Bool?,
                projetVieCoConstruit: ProjetVieCoConstruit?, territoire: String, departement: String,
                canal: Canal?, niveauIntervention: Int?, orientationRapt: Bool?, trancheAge: TrancheAge?,
                dateCloture: Jour?) {
        self.idSollicitation = idSollicitation
        self.dateSollicitation = dateSollicitation
        self.personne = personne
        self.profil = profil
        self.typeDemande = typeDemande
        self.problematiques = problematiques
        self.origine = origine
        self.accompagnee = accompagnee
        self.projetVieCoConstruit = projetVieCoConstruit
        self.territoire = territoire
        self.departement = departement
        self.canal = canal
        self.niveauIntervention = niveauIntervention
        self.orientationRapt = orientationRapt
        self.trancheAge = trancheAge
        self.dateCloture = dateCloture
    }
}

/// One support solution proposed for a request (table `propositions`).
public struct Proposition: Equatable, Sendable {
    public var idProposition: String
    public var idSollicitation: String
    /// Nil when the source does not collect the column (`Obligation.siCollectee`).
    public var dateProposition: Jour?
    public var evaluationPreexistante: Bool?
    public var adHocPartenaires: Bool?
    public var milieuOrdinaire: Bool?
    public var decision: Decision?
    public var dateDecision: Jour?
    public var acteurId: String?

    public init(idProposition: String, idSollicitation: String, dateProposition: Jour?,
                evaluationPreexistante: Bool?, adHocPartenaires: Bool?, milieuOrdinaire: Bool?,
                decision: Decision?, dateDecision: Jour?, acteurId: String?) {
        self.idProposition = idProposition
        self.idSollicitation = idSollicitation
        self.dateProposition = dateProposition
        self.evaluationPreexistante = evaluationPreexistante
        self.adHocPartenaires = adHocPartenaires
        self.milieuOrdinaire = milieuOrdinaire
        self.decision = decision
        self.dateDecision = dateDecision
        self.acteurId = acteurId
    }
}

/// One organisation of the territorial directory (table `acteurs`).
public struct Acteur: Equatable, Sendable {
    public var acteurId: String
    public var nom: String
    public var categorie: Categorie
    public var membreCoeur: Bool
    public var partenaire: Bool
    public var dateReferencement: Jour
    public var dateSortie: Jour?

    public init(acteurId: String, nom: String, categorie: Categorie, membreCoeur: Bool, partenaire: Bool,
                dateReferencement: Jour, dateSortie: Jour?) {
        self.acteurId = acteurId
        self.nom = nom
        self.categorie = categorie
        self.membreCoeur = membreCoeur
        self.partenaire = partenaire
        self.dateReferencement = dateReferencement
        self.dateSortie = dateSortie
    }
}

/// One position of the C360 team (table `equipe`).
public struct Poste: Equatable, Sendable {
    public var posteId: String
    public var fonction: Fonction
    public var etp: Double
    public var rechercheSolutions: Bool
    public var dateDebut: Jour
    public var dateFin: Jour?

    public init(posteId: String, fonction: Fonction, etp: Double, rechercheSolutions: Bool,
                dateDebut: Jour, dateFin: Jour?) {
        self.posteId = posteId
        self.fonction = fonction
        self.etp = etp
        self.rechercheSolutions = rechercheSolutions
        self.dateDebut = dateDebut
        self.dateFin = dateFin
    }
}

/// Time given to the C360 by one core member in one year (table `membres_coeur`).
public struct MembreCoeur: Equatable, Sendable {
    public var annee: Int
    public var membre: String
    public var etp: Double

    public init(annee: Int, membre: String, etp: Double) {
        self.annee = annee
        self.membre = membre
        self.etp = etp
    }
}

/// A validated row, ready to be stored.
public enum Enregistrement: Equatable, Sendable {
    case sollicitation(Sollicitation)
    case proposition(Proposition)
    case acteur(Acteur)
    case poste(Poste)
    case membreCoeur(MembreCoeur)
}

extension Enregistrement {
    /// The table the row belongs to.
    public var table: TableCanonique {
        switch self {
        case .sollicitation: return .sollicitations
        case .proposition: return .propositions
        case .acteur: return .acteurs
        case .poste: return .equipe
        case .membreCoeur: return .membresCoeur
        }
    }

    /// The row's identifier as text (`annee / membre` for the core members).
    public var identifiant: String {
        switch self {
        case .sollicitation(let s): return s.idSollicitation
        case .proposition(let p): return p.idProposition
        case .acteur(let a): return a.acteurId
        case .poste(let p): return p.posteId
        case .membreCoeur(let m): return "\(m.annee) / \(m.membre)"
        }
    }

    /// A fingerprint of every stored value of the row (FNV-1a, 64 bits): a snapshot import
    /// tells a changed row from an unchanged one without reading it back column by column.
    public var empreinte: Int64 {
        var h = Empreinte64()
        switch self {
        case .sollicitation(let s):
            h.ajouter(s.idSollicitation); h.ajouter(s.dateSollicitation.iso); h.ajouter(s.personne); h.ajouter(s.profil?.rawValue)
            h.ajouter(s.typeDemande?.rawValue); h.ajouter(liste: s.problematiques); h.ajouter(s.origine?.rawValue)
            h.ajouter(s.accompagnee); h.ajouter(s.projetVieCoConstruit?.rawValue); h.ajouter(s.territoire); h.ajouter(s.departement)
            h.ajouter(s.canal?.rawValue); h.ajouter(s.niveauIntervention.map(String.init)); h.ajouter(s.orientationRapt)
            h.ajouter(s.trancheAge?.rawValue); h.ajouter(s.dateCloture?.iso)
        case .proposition(let p):
            h.ajouter(p.idProposition); h.ajouter(p.idSollicitation); h.ajouter(p.dateProposition?.iso); h.ajouter(p.evaluationPreexistante)
            h.ajouter(p.adHocPartenaires); h.ajouter(p.milieuOrdinaire); h.ajouter(p.decision?.rawValue); h.ajouter(p.dateDecision?.iso)
            h.ajouter(p.acteurId)
        case .acteur(let a):
            h.ajouter(a.acteurId); h.ajouter(a.nom); h.ajouter(a.categorie.rawValue); h.ajouter(a.membreCoeur); h.ajouter(a.partenaire)
            h.ajouter(a.dateReferencement.iso); h.ajouter(a.dateSortie?.iso)
        case .poste(let p):
            h.ajouter(p.posteId); h.ajouter(p.fonction.rawValue); h.ajouter("\(p.etp)"); h.ajouter(p.rechercheSolutions)
            h.ajouter(p.dateDebut.iso); h.ajouter(p.dateFin?.iso)
        case .membreCoeur(let m):
            h.ajouter("\(m.annee)"); h.ajouter(m.membre); h.ajouter("\(m.etp)")
        }
        return Int64(bitPattern: h.valeur)
    }
}

/// FNV-1a over fields, each followed by a separator byte (an absent value has its own marker).
struct Empreinte64 {
    private(set) var valeur: UInt64 = 0xcbf2_9ce4_8422_2325

    private mutating func octet(_ b: UInt8) {
        valeur ^= UInt64(b)
        valeur = valeur &* 0x0000_0100_0000_01b3
    }

    /// The text's UTF-8 bytes, read from its storage (iterating `utf8` decodes byte by byte).
    private mutating func octets(_ s: String) {
        var s = s
        var h = valeur
        s.withUTF8 { o in
            for b in o { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        }
        valeur = h
    }

    mutating func ajouter(_ s: String?) {
        guard let s else { octet(0x1E); return }
        octets(s)
        octet(0x1F)
    }

    mutating func ajouter(_ b: Bool?) { ajouter(b.map { $0 ? "1" : "0" }) }

    /// The same bytes as `ajouter(liste.sorted().joined(separator: "|"))`, without building
    /// the joined text (this runs for every request).
    mutating func ajouter(liste: [String]) {
        let triee = liste.count > 1 ? liste.sorted() : liste
        for (i, e) in triee.enumerated() {
            if i > 0 { octet(0x7C) }
            octets(e)
        }
        octet(0x1F)
    }
}
