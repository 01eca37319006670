"""Places people name that are not in the zone database's own names.

The IANA database names one city per zone (Europe/Paris, America/Chicago); people type the city
they live in. This table maps the larger cities of the countries the bot's coalitions come
from, plus a few old spellings, to their zone. Each line: ``names;country;zone[;where]`` where
``names`` is ``|``-separated spellings (any language) and ``where`` tells two places of one
name apart ("Portland" is in Oregon and in Maine). A name in two lines with different zones is
ambiguous: the resolver asks which one was meant.

Checked by tests/services/test_zones.py: every zone exists and lies in the stated country.
"""

from __future__ import annotations

PLACES = """
Lyon;FR;Europe/Paris
Marseille|Marseilles;FR;Europe/Paris
Toulouse;FR;Europe/Paris
Nice;FR;Europe/Paris
Nantes;FR;Europe/Paris
Strasbourg|Straßburg;FR;Europe/Paris
Bordeaux;FR;Europe/Paris
Lille;FR;Europe/Paris
Grenoble;FR;Europe/Paris
Montpellier;FR;Europe/Paris
Rennes;FR;Europe/Paris
Dijon;FR;Europe/Paris
Munich|München|Monaco di Baviera|Múnich;DE;Europe/Berlin
Hamburg|Hambourg|Amburgo|Hamburgo;DE;Europe/Berlin
Cologne|Köln|Colonia;DE;Europe/Berlin
Frankfurt|Francfort|Francoforte|Fráncfort;DE;Europe/Berlin
Stuttgart;DE;Europe/Berlin
Düsseldorf;DE;Europe/Berlin
Leipzig;DE;Europe/Berlin
Dresden|Dresde;DE;Europe/Berlin
Bonn;DE;Europe/Berlin
Hannover|Hanover;DE;Europe/Berlin
Freiburg;DE;Europe/Berlin
Milan|Milano|Mailand|Milán;IT;Europe/Rome
Naples|Napoli|Neapel|Nápoles;IT;Europe/Rome
Turin|Torino|Turín;IT;Europe/Rome
Florence|Firenze|Florenz|Florencia;IT;Europe/Rome
Venice|Venezia|Venedig|Venise|Venecia;IT;Europe/Rome
Bologna|Bologne|Bolonia;IT;Europe/Rome
Genoa|Genova|Genua|Gênes|Génova;IT;Europe/Rome
Palermo|Palerme;IT;Europe/Rome
Bolzano|Bozen;IT;Europe/Rome
Barcelona|Barcelone;ES;Europe/Madrid
Valencia|Valence;ES;Europe/Madrid;Spain
Valencia;VE;America/Caracas;Venezuela
Seville|Sevilla|Séville;ES;Europe/Madrid
Bilbao;ES;Europe/Madrid
Zaragoza|Saragosse;ES;Europe/Madrid
Málaga;ES;Europe/Madrid
Córdoba;ES;Europe/Madrid;Spain
Córdoba;AR;America/Argentina/Cordoba;Argentina
Las Palmas;ES;Atlantic/Canary
Porto|Oporto;PT;Europe/Lisbon
Manchester;GB;Europe/London
Birmingham;GB;Europe/London;England
Birmingham;US;America/Chicago;Alabama
Glasgow;GB;Europe/London
Edinburgh|Édimbourg|Edimburgo;GB;Europe/London
Liverpool;GB;Europe/London
Leeds;GB;Europe/London
Bristol;GB;Europe/London
Cardiff;GB;Europe/London
Geneva|Genève|Genf|Ginevra|Ginebra;CH;Europe/Zurich
Basel|Bâle|Basilea;CH;Europe/Zurich
Bern|Berne|Berna;CH;Europe/Zurich
Lausanne|Losanna;CH;Europe/Zurich
Antwerp|Antwerpen|Anvers|Amberes|Anversa;BE;Europe/Brussels
Ghent|Gent|Gand;BE;Europe/Brussels
Liège|Lüttich|Lieja;BE;Europe/Brussels
Rotterdam;NL;Europe/Amsterdam
The Hague|Den Haag|La Haye|L'Aia|La Haya;NL;Europe/Amsterdam
Utrecht;NL;Europe/Amsterdam
Salzburg|Salzbourg|Salisburgo;AT;Europe/Vienna
Graz;AT;Europe/Vienna
Innsbruck;AT;Europe/Vienna
Kraków|Krakow|Cracow|Krakau|Cracovie|Cracovia;PL;Europe/Warsaw
Gdańsk|Danzig;PL;Europe/Warsaw
Wrocław|Breslau;PL;Europe/Warsaw
Gothenburg|Göteborg;SE;Europe/Stockholm
Malmö;SE;Europe/Stockholm
Bergen;NO;Europe/Oslo
Aarhus;DK;Europe/Copenhagen
Cork;IE;Europe/Dublin
Galway;IE;Europe/Dublin
Thessaloniki;GR;Europe/Athens
Boston;US;America/New_York
Philadelphia;US;America/New_York
Washington|Washington DC|Washington D.C.;US;America/New_York
Atlanta;US;America/New_York
Miami;US;America/New_York
Pittsburgh;US;America/New_York
Baltimore;US;America/New_York
Charlotte;US;America/New_York
Orlando;US;America/New_York
Cleveland;US;America/New_York
Portland;US;America/New_York;Maine
Portland;US;America/Los_Angeles;Oregon
Houston;US;America/Chicago
Dallas;US;America/Chicago
Austin;US;America/Chicago
San Antonio;US;America/Chicago
Minneapolis;US;America/Chicago
St. Louis|Saint Louis;US;America/Chicago
New Orleans;US;America/Chicago
Kansas City;US;America/Chicago
Milwaukee;US;America/Chicago
Nashville;US;America/Chicago
Seattle;US;America/Los_Angeles
San Francisco;US;America/Los_Angeles
San Diego;US;America/Los_Angeles
San Jose;US;America/Los_Angeles
Sacramento;US;America/Los_Angeles
Las Vegas;US;America/Los_Angeles
Oakland;US;America/Los_Angeles
Salt Lake City;US;America/Denver
Albuquerque;US;America/Denver
Tucson;US;America/Phoenix
Montreal|Montréal;CA;America/Toronto
Ottawa;CA;America/Toronto
Quebec City|Québec;CA;America/Toronto
Calgary;CA;America/Edmonton
Mumbai|Bombay;IN;Asia/Kolkata
Delhi|New Delhi;IN;Asia/Kolkata
Bangalore|Bengaluru;IN;Asia/Kolkata
Chennai|Madras;IN;Asia/Kolkata
Calcutta;IN;Asia/Kolkata
Beijing|Peking|Pékin|Pechino;CN;Asia/Shanghai
Osaka|Kyoto;JP;Asia/Tokyo
Rio de Janeiro|Rio;BR;America/Sao_Paulo
Brasília|Brasilia;BR;America/Sao_Paulo
Cape Town|Le Cap|Kapstadt;ZA;Africa/Johannesburg
Tel Aviv;IL;Asia/Jerusalem
Canberra;AU;Australia/Sydney
Wellington;NZ;Pacific/Auckland
Kiev;UA;Europe/Kyiv
Saigon;VN;Asia/Ho_Chi_Minh
Rangoon;MM;Asia/Yangon
"""

# Country names people use that the zone database and CLDR spell otherwise.
COUNTRY_ALIASES = """
USA|US|U.S.|U.S.A.|United States of America;US
UK|U.K.|Great Britain|Britain|England|Scotland|Wales|Northern Ireland;GB
Holland;NL
"""

# Where a country's zones behave alike, the zone a person there would expect (zone.tab lists
# Antarctica/Macquarie before Australia/Sydney and America/Belem before America/Sao_Paulo).
PRINCIPAL_ZONES = frozenset({"Australia/Sydney", "America/Sao_Paulo"})
