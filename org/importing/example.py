"""The example file offered on the import page: a small municipality, filled in the way a
municipality fills in the template (any row order; references by code)."""

from __future__ import annotations

from . import sheets as s

EXAMPLE: dict[str, list[list[str]]] = {
    s.LEVELS.name: [
        ["0", "Kommun", "kommunchef", "central"],
        ["1", "Sektor", "sektorschef", "sektor"],
        ["2", "Område", "områdeschef", "enhet"],
        ["3", "Enhet", "enhetschef", "enhet"],
    ],
    # The circle: KS names its secretary position, which sits in a unit, whose responsible
    # body is KS. The importer resolves it; the order of the rows does not matter.
    s.BODIES.name: [
        ["KS", "Kommunstyrelsen", "KS", "KF", "KS-SEK", "Kommunkansliet", "ja"],
        ["KF", "Kommunfullmäktige", "KF", "", "KS-SEK", "Kommunkansliet", "ja"],
        ["KSAU", "Kommunstyrelsens arbetsutskott", "AU", "KS", "KS-SEK", "Kommunkansliet", "ja"],
        ["BUN", "Barn- och utbildningsnämnden", "nämnd", "", "BUN-SEK", "Kommunkansliet", "ja"],
    ],
    s.UNITS.name: [
        ["FSK-SOL", "Förskolan Solrosen", "Enhet", "FSK", "", "ja"],
        ["KOMMUN", "Exempelkommun", "Kommun", "", "KS", "ja"],
        ["UTB", "Sektor utbildning", "Sektor", "KOMMUN", "BUN", "ja"],
        ["FSK", "Förskoleområdet", "Område", "UTB", "", "ja"],
        ["KANSLI", "Kommunkansliet", "Sektor", "KOMMUN", "", "ja"],
    ],
    s.POSITIONS.name: [
        ["KC", "Kommunchef", "chef", "KOMMUN"],
        ["UTB-C", "Sektorschef utbildning", "chef", "UTB"],
        ["FSK-C", "Områdeschef förskola", "chef", "FSK"],
        ["SOL-C", "Enhetschef Förskolan Solrosen", "chef", "FSK-SOL"],
        ["KANSLI-C", "Kanslichef", "chef", "KANSLI"],
        ["KS-SEK", "Kommunsekreterare", "sekreterare", "KANSLI"],
        ["BUN-SEK", "Nämndsekreterare BUN", "sekreterare", "KANSLI"],
        ["REG", "Registrator", "registrator", "KANSLI"],
        ["PA-KOST", "Processägare måltider", "processägare", "UTB"],
    ],
    s.PEOPLE.name: [
        ["anna.berg", "anna.berg@exempel.se", "Anna", "Berg"],
        ["bo.ek", "bo.ek@exempel.se", "Bo", "Ek"],
        ["cecilia.lind", "cecilia.lind@exempel.se", "Cecilia", "Lind"],
        ["david.sjo", "david.sjo@exempel.se", "David", "Sjö"],
        ["eva.strom", "eva.strom@exempel.se", "Eva", "Ström"],
        ["fredrik.al", "fredrik.al@exempel.se", "Fredrik", "Al"],
        ["gun.nord", "gun.nord@exempel.se", "Gun", "Nord"],
        ["ida.fors", "ida.fors@exempel.se", "Ida", "Fors"],
        ["olof.hed", "olof.hed@exempel.se", "Olof", "Hed"],
    ],
    s.HOLDINGS.name: [
        ["KC", "anna.berg", "2020-01-01", ""],
        ["UTB-C", "bo.ek", "2021-08-01", ""],
        ["FSK-C", "cecilia.lind", "2019-03-01", ""],
        ["SOL-C", "david.sjo", "2022-01-10", ""],
        ["KANSLI-C", "eva.strom", "2018-05-01", ""],
        ["KS-SEK", "fredrik.al", "2023-02-01", ""],
        ["BUN-SEK", "fredrik.al", "2023-02-01", ""],
        ["REG", "gun.nord", "2017-09-01", ""],
        ["PA-KOST", "cecilia.lind", "2024-01-01", ""],
    ],
    s.SUBSTITUTES.name: [
        ["SOL-C", "cecilia.lind", "2026-07-01", "2026-07-31", "Semester"],
    ],
    # The elected members: a person may sit in several bodies.
    s.MEMBERS.name: [
        ["KF", "ida.fors", "ordförande", "2022-10-15", ""],
        ["KS", "ida.fors", "ledamot", "2022-10-15", ""],
        ["BUN", "olof.hed", "ordförande", "2022-10-15", ""],
        ["KF", "olof.hed", "ersättare", "2022-10-15", ""],
    ],
    s.PROCESSES.name: [
        ["Måltider i förskolan", "Från meny till servering", "PA-KOST", "UTB"],
    ],
    s.UNIONS.name: [["Kommunal"], ["Vision"], ["Sveriges Lärare"]],
    s.GROUPS.name: [
        ["Central samverkansgrupp", "central", "KOMMUN", "KC"],
        ["Samverkan sektor utbildning", "sektor", "UTB", "UTB-C"],
        ["Samverkan Förskolan Solrosen", "enhet", "FSK-SOL", "SOL-C"],
    ],
    s.REPRESENTATIVES.name: [
        ["Central samverkansgrupp", "gun.nord", "Vision", "2024-01-01", ""],
        ["Samverkan sektor utbildning", "david.sjo", "Sveriges Lärare", "2024-01-01", ""],
    ],
    "Diarieserier": [
        ["KS", "Kommunstyrelsens diarium", "KS", "ja", "ja"],
        ["BUN", "Barn- och utbildningsnämndens diarium", "BUN", "nej", "ja"],
    ],
}


def example_tables() -> dict[str, list[list[str]]]:
    """Every sheet with its header and the example's rows (empty for a sheet it lacks)."""
    return {
        sheet.name: [[c.header for c in sheet.columns], *EXAMPLE.get(sheet.name, [])]
        for sheet in s.all_sheets()
    }
