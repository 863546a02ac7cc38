// The hot loops of the import: CSV scanning, validation, normalisation, pseudonyms, dates.
import Benchmark
import Foundation
import ObservatoireCore
import ObservatoireDemo
import ObservatoireImport

/// A canonical requests file of 20 000 rows, generated once.
let fichier: URL = {
    let dossier = FileManager.default.temporaryDirectory.appendingPathComponent("c360-bench-chaud")
    let url = dossier.appendingPathComponent("sollicitations.csv")
    if !FileManager.default.fileExists(atPath: url.path) {
        var o = OptionsDemo(aujourdhui: Jour(annee: 2026, mois: 1, jour: 15)!)
        o.sollicitations = 20_000
        o.du = Jour(annee: 2025, mois: 1, jour: 1)!
        o.au = Jour(annee: 2025, mois: 12, jour: 31)!
        o.tauxErreurs = 0
        _ = try! GenerateurDemo.generer(dans: dossier, options: o)
    }
    return url
}()

let configuration = Configuration(nom: "Banc", departement: "62", territoires: OptionsDemo.territoiresPasDeCalais.map(\.0))
let pseudonymiseur = Pseudonymiseur(cle: ClePseudonymisation(octets: Array(repeating: 7, count: 32)))

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))

    Benchmark("Lecture CSV, 20 000 lignes") { b in
        for _ in b.scaledIterations {
            let l = try LecteurCSV(url: fichier)
            var n = 0
            try l.parcourir { _ in n += 1 }
            blackHole(n)
        }
    }

    Benchmark("Lecture et validation, 20 000 sollicitations") { b in
        let validateur = Validateur(table: .sollicitations, configuration: configuration,
                                    aujourdhui: Jour(annee: 2026, mois: 1, jour: 15)!, pseudonymiseur: pseudonymiseur)
        for _ in b.scaledIterations {
            let l = try LecteurCSV(url: fichier)
            let c = try Correspondance.etablir(entete: l.entete, table: .sollicitations, fichier: "sollicitations.csv")
            var valides = 0
            try l.parcourir { r in
                if case .success = validateur.valider(c.valeurs(r.champs), ligne: r.ligne) { valides += 1 }
            }
            blackHole(valides)
        }
    }

    Benchmark("Normalisation d'un en-tête accentué", configuration: .init(scalingFactor: .kilo)) { b in
        for _ in b.scaledIterations { blackHole(Normalisation.cle("Date de réception de la saisine")) }
    }

    Benchmark("Normalisation d'une valeur ASCII", configuration: .init(scalingFactor: .kilo)) { b in
        for _ in b.scaledIterations { blackHole(Normalisation.cle("recherche_solution")) }
    }

    Benchmark("Pseudonyme HMAC-SHA256", configuration: .init(scalingFactor: .kilo)) { b in
        for i in b.scaledIterations { blackHole(pseudonymiseur.pseudonyme("P\(i)")) }
    }

    Benchmark("Lecture d'une date JJ/MM/AAAA", configuration: .init(scalingFactor: .kilo)) { b in
        for _ in b.scaledIterations { blackHole(Valeurs.date("14/03/2025", pivot: 2026)) }
    }
}
