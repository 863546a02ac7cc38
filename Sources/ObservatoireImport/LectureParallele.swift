import Foundation

/// Reads a source on three threads: one parses the file into raw records, two map and
/// validate them (pure work: the profile's projection, the rules, the pseudonym), each taking
/// every other batch; ``recevoir()`` gives the batches back **in file order**, so that the
/// caller stores and numbers rows exactly as a single reader would. Every pipe is bounded:
/// memory stays flat whatever the file size.
///
/// Why three threads on a two-core machine: the storing thread mostly waits during a bulk load
/// (rows are appended to a staging table), and validation cost about twice the parsing
/// (BENCHMARKS.md); the operating system shares the cores among the four threads.
///
/// ```swift
/// let lecture = LectureParallele(source: source) { brut, lot in
///     Importeur.preparer(brut, …, dans: &lot)
/// }
/// lecture.demarrer()
/// defer { lecture.arreter() }
/// while let message = lecture.recevoir() { … }
/// ```
final class LectureParallele: @unchecked Sendable {
    private static let travailleurs = 2
    private let source: SourceTabulaire
    private let preparer: (EnregistrementBrut, inout [ElementLu]) -> Void
    private let bruts: [Tuyau<MessageLecture<[EnregistrementBrut]>>]
    private let prets: [Tuyau<MessageLecture<[ElementLu]>>]
    private let finis = DispatchSemaphore(value: 0)
    private var demarres = 0
    private var suivant = 0

    init(source: SourceTabulaire, preparer: @escaping (EnregistrementBrut, inout [ElementLu]) -> Void) {
        self.source = source
        self.preparer = preparer
        bruts = (0..<LectureParallele.travailleurs).map { _ in Tuyau(capacite: 4) }
        prets = (0..<LectureParallele.travailleurs).map { _ in Tuyau(capacite: 4) }
    }

    /// Starts the parsing thread and the two validating threads.
    func demarrer() {
        lancer { self.analyser() }
        for k in 0..<LectureParallele.travailleurs {
            lancer { self.valider(k) }
        }
    }

    private func lancer(_ travail: @escaping () -> Void) {
        let t = Thread { [finis] in
            travail()
            finis.signal()
        }
        t.stackSize = 1 << 22
        demarres += 1
        t.start()
    }

    /// The parsing thread: batches of raw records, dealt in turn to the validating threads;
    /// the end (or the error) goes to the thread whose turn it is, and to the other one so that
    /// it stops too.
    private func analyser() {
        var lot: [EnregistrementBrut] = []
        lot.reserveCapacity(Importeur.tailleLot)
        var tour = 0
        func envoyer(_ m: MessageLecture<[EnregistrementBrut]>) {
            bruts[tour % bruts.count].envoyer(m)
            tour += 1
        }
        do {
            try source.parcourir { brut in
                if self.bruts[0].estAnnule { throw CancellationError() }
                lot.append(brut)
                if lot.count >= Importeur.tailleLot {
                    envoyer(.lignes(lot, octetsLus: source.octetsLus))
                    lot.removeAll(keepingCapacity: true)
                }
            }
            envoyer(.lignes(lot, octetsLus: source.octetsLus))
            for _ in bruts.indices { envoyer(.fin(lignesVides: source.lignesVides)) }
        } catch {
            for _ in bruts.indices { envoyer(.erreur(error)) }
        }
    }

    /// A validating thread: its batches, validated, in the order received.
    private func valider(_ k: Int) {
        var lot: [ElementLu] = []
        while let m = bruts[k].recevoir() {
            switch m {
            case .lignes(let bruts, let octetsLus):
                lot.removeAll(keepingCapacity: true)
                for b in bruts { preparer(b, &lot) }
                prets[k].envoyer(.lignes(lot, octetsLus: octetsLus))
            case .fin(let vides):
                prets[k].envoyer(.fin(lignesVides: vides))
                return
            case .erreur(let e):
                prets[k].envoyer(.erreur(e))
                return
            }
        }
    }

    /// The next batch in file order, then `.fin` or `.erreur`; nil once stopped.
    func recevoir() -> MessageLecture<[ElementLu]>? {
        let m = prets[suivant % prets.count].recevoir()
        suivant += 1
        return m
    }

    /// Stops every thread (whatever they were doing) and waits for them.
    func arreter() {
        for t in bruts { t.annuler() }
        for t in prets { t.annuler() }
        for _ in 0..<demarres { finis.wait() }
        demarres = 0
    }
}
