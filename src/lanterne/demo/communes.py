"""The places of the demo: real French communes (INSEE code, postcode, centre) and their departments.

Typed by hand for the demo, approximate to a few hundred metres; the real national lists are loaded
by the catalog importers, never shipped here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Commune:
    name: str
    insee: str
    postcode: str
    department: str
    latitude: float
    longitude: float
    population: int  # thousands of inhabitants, rounded


# Administrative region, CNC region (`régionCNC`) and departments; a region spread over two CNC
# regions has two lines. The CNC list has no overseas cinema: the demo numbers them region 10.
_DEPARTMENT_TABLE = """
Île-de-France|1|75
Île-de-France|2|77 78 91 92 93 94 95
Hauts-de-France|3|02 60 80
Hauts-de-France|5|59 62
Grand Est|3|08 10 51 52
Grand Est|8|57 67 68
Grand Est|9|54 55 88
Normandie|3|14 27 50 61 76
Bretagne|3|22 29 35 56
Pays de la Loire|3|44 49 53 72
Pays de la Loire|4|85
Centre-Val de Loire|3|18 28 36 37 41 45
Bourgogne-Franche-Comté|6|21 25 39 58 71 90
Bourgogne-Franche-Comté|3|89
Bourgogne-Franche-Comté|9|70
Auvergne-Rhône-Alpes|6|01 03 07 15 26 38 42 43 63 69 73 74
Nouvelle-Aquitaine|4|16 17 19 23 24 33 40 47 64 79 86 87
Occitanie|4|09 12 31 32 46 65 81 82
Occitanie|7|11 30 34 48 66
Provence-Alpes-Côte d'Azur|7|04 05 06 13 83 84
Corse|7|2A 2B
Guadeloupe|10|971
Martinique|10|972
Guyane|10|973
La Réunion|10|974
Mayotte|10|976
"""


def _departments() -> dict[str, tuple[str, int]]:
    """Department → (administrative region, CNC region)."""
    departments = {}
    for line in _DEPARTMENT_TABLE.strip().splitlines():
        region, cnc_region, codes = line.split("|")
        for code in codes.split():
            departments[code] = (region, int(cnc_region))
    return departments


DEPARTMENTS: dict[str, tuple[str, int]] = _departments()

# The overseas departments keep their own clocks; everything else runs on Paris time.
TIME_ZONES: dict[str, str] = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "976": "Indian/Mayotte",
}
OVERSEAS = tuple(TIME_ZONES)


def time_zone(department: str) -> str:
    return TIME_ZONES.get(department, "Europe/Paris")


_TABLE = """
Paris 5e Arrondissement|75105|75005|48.844|2.350|57
Paris 6e Arrondissement|75106|75006|48.849|2.333|40
Paris 8e Arrondissement|75108|75008|48.873|2.312|35
Paris 11e Arrondissement|75111|75011|48.859|2.380|140
Paris 13e Arrondissement|75113|75013|48.829|2.362|178
Paris 14e Arrondissement|75114|75014|48.829|2.327|134
Paris 15e Arrondissement|75115|75015|48.840|2.293|227
Paris 18e Arrondissement|75118|75018|48.892|2.348|190
Paris 19e Arrondissement|75119|75019|48.887|2.385|181
Paris 20e Arrondissement|75120|75020|48.864|2.398|190
Montreuil|93048|93100|48.862|2.444|111
Saint-Denis|93066|93200|48.936|2.357|113
Aubervilliers|93001|93300|48.914|2.382|88
Pantin|93055|93500|48.894|2.409|59
Boulogne-Billancourt|92012|92100|48.836|2.240|121
Nanterre|92050|92000|48.892|2.206|96
Issy-les-Moulineaux|92040|92130|48.824|2.270|68
Créteil|94028|94000|48.790|2.455|92
Vincennes|94080|94300|48.848|2.438|50
Vitry-sur-Seine|94081|94400|48.787|2.392|95
Ivry-sur-Seine|94041|94200|48.813|2.385|64
Versailles|78646|78000|48.804|2.130|84
Saint-Germain-en-Laye|78551|78100|48.898|2.093|45
Melun|77288|77000|48.540|2.660|41
Fontainebleau|77186|77300|48.405|2.702|15
Évry-Courcouronnes|91228|91000|48.629|2.441|67
Cergy|95127|95000|49.036|2.063|66
Argenteuil|95018|95100|48.947|2.248|111
Lille|59350|59000|50.629|3.057|236
Roubaix|59512|59100|50.690|3.181|98
Tourcoing|59599|59200|50.724|3.161|99
Dunkerque|59183|59140|51.034|2.377|87
Valenciennes|59606|59300|50.357|3.523|44
Douai|59178|59500|50.371|3.080|39
Arras|62041|62000|50.291|2.777|41
Calais|62193|62100|50.951|1.858|67
Boulogne-sur-Mer|62160|62200|50.726|1.614|40
Amiens|80021|80000|49.894|2.296|134
Abbeville|80001|80100|50.106|1.833|23
Beauvais|60057|60000|49.430|2.081|56
Compiègne|60159|60200|49.418|2.826|41
Saint-Quentin|02691|02100|49.848|3.287|53
Laon|02408|02000|49.564|3.620|24
Strasbourg|67482|67000|48.573|7.752|291
Colmar|68066|68000|48.079|7.358|67
Mulhouse|68224|68100|47.750|7.336|106
Metz|57463|57000|49.120|6.176|120
Thionville|57672|57100|49.358|6.168|41
Nancy|54395|54000|48.692|6.184|104
Épinal|88160|88000|48.174|6.450|32
Reims|51454|51100|49.258|4.032|180
Châlons-en-Champagne|51108|51000|48.957|4.363|44
Troyes|10387|10000|48.297|4.074|62
Charleville-Mézières|08105|08000|49.773|4.720|46
Verdun|55545|55100|49.160|5.384|17
Chaumont|52121|52000|48.111|5.139|22
Rouen|76540|76000|49.443|1.099|114
Le Havre|76351|76600|49.494|0.108|166
Dieppe|76217|76200|49.922|1.078|28
Caen|14118|14000|49.183|-0.370|108
Lisieux|14366|14100|49.146|0.227|20
Cherbourg-en-Cotentin|50129|50100|49.639|-1.616|78
Saint-Lô|50502|50000|49.116|-1.091|19
Évreux|27229|27000|49.024|1.151|47
Alençon|61001|61000|48.432|0.091|26
Rennes|35238|35000|48.112|-1.680|222
Saint-Malo|35288|35400|48.649|-2.026|47
Brest|29019|29200|48.390|-4.486|140
Quimper|29232|29000|47.996|-4.102|63
Morlaix|29151|29600|48.578|-3.828|15
Douarnenez|29046|29100|48.093|-4.329|14
Lorient|56121|56100|47.748|-3.370|57
Vannes|56260|56000|47.658|-2.760|54
Saint-Brieuc|22278|22000|48.514|-2.765|44
Lannion|22113|22300|48.732|-3.459|20
Nantes|44109|44000|47.218|-1.554|320
Saint-Nazaire|44184|44600|47.274|-2.214|72
Angers|49007|49000|47.478|-0.563|157
Cholet|49099|49300|47.060|-0.879|54
Saumur|49328|49400|47.260|-0.077|26
Le Mans|72181|72000|48.006|0.199|146
Laval|53130|53000|48.073|-0.770|49
La Roche-sur-Yon|85191|85000|46.670|-1.426|55
Les Sables-d'Olonne|85194|85100|46.497|-1.783|48
Tours|37261|37000|47.394|0.685|137
Orléans|45234|45000|47.903|1.909|117
Blois|41018|41000|47.586|1.336|46
Bourges|18033|18000|47.081|2.399|64
Châteauroux|36044|36000|46.811|1.686|43
Chartres|28085|28000|48.446|1.489|39
Dijon|21231|21000|47.322|5.041|159
Besançon|25056|25000|47.238|6.024|119
Belfort|90010|90000|47.640|6.863|46
Chalon-sur-Saône|71076|71100|46.781|4.854|45
Mâcon|71270|71000|46.307|4.829|34
Auxerre|89024|89000|47.798|3.567|35
Nevers|58194|58000|46.990|3.159|33
Lons-le-Saunier|39300|39000|46.675|5.556|17
Vesoul|70550|70000|47.620|6.155|15
Lyon 1er Arrondissement|69381|69001|45.767|4.834|30
Lyon 3e Arrondissement|69383|69003|45.759|4.850|103
Lyon 7e Arrondissement|69387|69007|45.745|4.842|85
Villeurbanne|69266|69100|45.767|4.880|156
Saint-Étienne|42218|42000|45.434|4.390|174
Roanne|42187|42300|46.036|4.068|35
Grenoble|38185|38000|45.188|5.724|158
Vienne|38544|38200|45.525|4.874|31
Annecy|74010|74000|45.899|6.129|131
Thonon-les-Bains|74281|74200|46.371|6.479|36
Chambéry|73065|73000|45.564|5.918|60
Valence|26362|26000|44.933|4.892|64
Montélimar|26198|26200|44.558|4.751|40
Aubenas|07019|07200|44.620|4.390|13
Clermont-Ferrand|63113|63000|45.778|3.087|147
Vichy|03310|03200|46.127|3.426|25
Montluçon|03185|03100|46.340|2.603|34
Aurillac|15014|15000|44.926|2.440|26
Le Puy-en-Velay|43157|43000|45.043|3.885|19
Bourg-en-Bresse|01053|01000|46.205|5.226|42
Bordeaux|33063|33000|44.838|-0.579|261
Arcachon|33009|33120|44.658|-1.168|11
Libourne|33243|33500|44.915|-0.244|25
Pau|64445|64000|43.296|-0.370|77
Bayonne|64102|64100|43.493|-1.475|52
Biarritz|64122|64200|43.483|-1.559|25
Mont-de-Marsan|40192|40000|43.890|-0.500|30
Dax|40088|40100|43.710|-1.053|21
Périgueux|24322|24000|45.184|0.721|30
Bergerac|24037|24100|44.853|0.483|27
Sarlat-la-Canéda|24520|24200|44.890|1.216|9
Agen|47001|47000|44.203|0.616|32
Angoulême|16015|16000|45.648|0.156|42
Cognac|16102|16100|45.696|-0.329|19
La Rochelle|17300|17000|46.160|-1.151|77
Royan|17306|17200|45.624|-1.029|19
Niort|79191|79000|46.323|-0.465|59
Poitiers|86194|86000|46.580|0.340|89
Limoges|87085|87000|45.834|1.262|130
Brive-la-Gaillarde|19031|19100|45.159|1.533|46
Tulle|19272|19000|45.267|1.770|14
Guéret|23096|23000|46.171|1.871|13
Toulouse|31555|31000|43.605|1.444|504
Saint-Gaudens|31483|31800|43.108|0.723|11
Montpellier|34172|34000|43.611|3.877|302
Sète|34301|34200|43.403|3.693|44
Béziers|34032|34500|43.344|3.216|79
Nîmes|30189|30000|43.837|4.360|149
Alès|30007|30100|44.125|4.081|43
Perpignan|66136|66000|42.699|2.895|120
Narbonne|11262|11100|43.184|3.004|56
Carcassonne|11069|11000|43.213|2.349|46
Albi|81004|81000|43.929|2.148|49
Castres|81065|81100|43.606|2.241|42
Montauban|82121|82000|44.018|1.355|61
Cahors|46042|46000|44.448|1.441|19
Figeac|46102|46100|44.609|2.032|10
Rodez|12202|12000|44.350|2.575|25
Millau|12145|12100|44.098|3.078|22
Tarbes|65440|65000|43.233|0.078|42
Lourdes|65286|65100|43.095|-0.046|13
Auch|32013|32000|43.646|0.586|22
Foix|09122|09000|42.965|1.607|10
Mende|48095|48000|44.518|3.501|12
Marseille|13055|13001|43.296|5.370|873
Aix-en-Provence|13001|13100|43.529|5.447|147
Arles|13004|13200|43.677|4.630|51
Avignon|84007|84000|43.949|4.806|91
Orange|84087|84100|44.138|4.808|29
Carpentras|84031|84200|44.056|5.048|29
Apt|84003|84400|43.876|5.396|11
Nice|06088|06000|43.703|7.266|348
Cannes|06029|06400|43.552|7.017|74
Antibes|06004|06600|43.580|7.125|73
Menton|06083|06500|43.775|7.497|30
Grasse|06069|06130|43.658|6.924|50
Toulon|83137|83000|43.124|5.928|180
Hyères|83069|83400|43.120|6.130|56
Fréjus|83061|83600|43.433|6.737|55
Draguignan|83050|83300|43.538|6.465|40
Gap|05061|05000|44.559|6.079|41
Briançon|05023|05100|44.898|6.636|11
Digne-les-Bains|04070|04000|44.092|6.236|16
Manosque|04112|04100|43.834|5.786|22
Ajaccio|2A004|20000|41.919|8.738|73
Porto-Vecchio|2A247|20137|41.591|9.279|12
Bastia|2B033|20200|42.697|9.451|48
Corte|2B096|20250|42.306|9.150|7
Pointe-à-Pitre|97120|97110|16.241|-61.533|15
Les Abymes|97101|97139|16.271|-61.505|53
Basse-Terre|97105|97100|15.998|-61.726|10
Le Gosier|97113|97190|16.206|-61.493|27
Baie-Mahault|97103|97122|16.267|-61.586|31
Fort-de-France|97209|97200|14.616|-61.059|76
Le Lamentin|97213|97232|14.609|-60.999|39
Schœlcher|97229|97233|14.614|-61.091|20
Le François|97210|97240|14.615|-60.903|16
Cayenne|97302|97300|4.937|-52.326|63
Kourou|97304|97310|5.160|-52.650|25
Saint-Laurent-du-Maroni|97311|97320|5.498|-54.029|47
Matoury|97307|97351|4.847|-52.331|33
Saint-Denis|97411|97400|-20.882|55.450|153
Saint-Pierre|97416|97410|-21.339|55.478|84
Saint-Paul|97415|97460|-21.010|55.270|105
Le Port|97407|97420|-20.937|55.292|32
Le Tampon|97422|97430|-21.278|55.517|80
Mamoudzou|97611|97600|-12.780|45.228|71
Dzaoudzi|97608|97615|-12.787|45.282|17
Koungou|97610|97690|-12.734|45.204|32
"""


def _department_of(insee: str) -> str:
    return insee[:3] if insee.startswith("97") else insee[:2]


def _parse(table: str) -> tuple[Commune, ...]:
    communes = []
    for line in table.strip().splitlines():
        name, insee, postcode, lat, lon, population = line.split("|")
        department = _department_of(insee)
        communes.append(Commune(name, insee, postcode, department, float(lat), float(lon), int(population)))
    return tuple(communes)


COMMUNES: tuple[Commune, ...] = _parse(_TABLE)
METROPOLITAN = tuple(c for c in COMMUNES if c.department not in TIME_ZONES)
OVERSEAS_COMMUNES = {code: tuple(c for c in COMMUNES if c.department == code) for code in OVERSEAS}
