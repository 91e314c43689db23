"""Word pools of the demo: cinema and school names, operators, streets, film titles, people.

Plain French (and a few foreign) words the generator combines; nothing here is a real record.
"""

from __future__ import annotations

# fmt: off
CINEMA_NAMES = (
    "Le Palace", "Cinéma Le Rex", "L'Eden", "Le Méliès", "Le Studio", "Le Select", "Le Lux", "Le Vox",
    "L'Alhambra", "Le Casino", "Le Royal", "Le Family", "L'Olympia", "Le Majestic", "Le Club", "Le Zola",
    "Cinéma Jean Renoir", "Cinéma Jacques Tati", "Le Jean Vigo", "L'Utopia", "Le Navire", "Les Toiles",
    "Le Cinémonde", "Ciné-Théâtre", "Cinéma Paradiso", "Le Lumière", "Les 400 Coups", "Le Kosmos",
    "Le Concorde", "Le Trianon", "Le Foyer", "L'Atalante", "Le Dietrich", "Le Celtic", "Le Star", "L'Aiglon",
    "Le Colisée", "Le Rio", "Le Central", "Le Rexy", "Cinéma Le Sélect", "Le Cinéma des Halles",
    "Le Bretagne", "L'Arlequin", "Le Grand Club", "Le Cinéma Agnès Varda", "Le Jacques Demy", "L'Étoile",
    "Cinéma Les Variétés", "Le Comoedia", "Le Caméo", "Le Mélies", "Le Cinématographe", "Le Sémaphore",
    "Le Vagabond", "Les Carmes", "Le Ciné 32", "La Lanterne", "Le Rohan", "Le Scénario", "Le Régent",
    "L'Odyssée", "Le Parc", "Cinéma Gérard Philipe", "Cinéma Louis Jouvet", "L'Écran", "Le Plazza",
)
MULTIPLEX_BRANDS = (
    ("Pathé", "Cinémas Pathé", "cds"), ("CGR", "CGR Cinémas", "cgr"),
    ("Kinepolis", "Kinepolis France", "boost"), ("Mégarama", "Mégarama", "ems"),
    ("UGC Ciné Cité", "UGC", "allocine"), ("Cinéville", "Cinéville", "cds"),
    ("Ciné Movida", "Cinéma Movida", "monnaie"),
)
OPERATOR_PATTERNS = (
    "SARL {name}", "Association {name}", "Commune de {commune}", "SCOP Cinéma {commune}",
    "Régie municipale de {commune}", "SAS Cinémas de {commune}", "Association Ciné-Club {commune}",
    "SEM Culture {commune}", "Les Amis du Cinéma de {commune}",
)
STREET_KINDS = ("rue", "avenue", "boulevard", "place", "cours", "quai", "allée")
STREET_NAMES = (
    "de la République", "Victor Hugo", "Jean Jaurès", "Gambetta", "du Général de Gaulle", "de la Gare",
    "Pasteur", "des Écoles", "du Marché", "Carnot", "Nationale", "Thiers", "Émile Zola", "de la Liberté",
    "Voltaire", "Foch", "Clemenceau", "Aristide Briand", "Jules Ferry", "du 8 Mai 1945", "des Martyrs",
    "Saint-Michel", "de Verdun", "des Lilas", "du Château", "de l'Hôtel de Ville", "Louise Michel",
    "Jean Moulin", "George Sand", "Simone Veil", "des Tanneurs", "de la Paix", "du Port", "Colbert",
)
SCHOOL_PEOPLE = (
    "Jules Ferry", "Victor Hugo", "Jean Moulin", "Jean Jaurès", "Louise Michel", "Marie Curie",
    "Jacques Prévert", "Paul Éluard", "Simone Veil", "Albert Camus", "George Sand", "Jean de La Fontaine",
    "Pierre et Marie Curie", "Antoine de Saint-Exupéry", "Jules Verne", "Condorcet", "Pablo Picasso",
    "Louis Pasteur", "Colette", "Olympe de Gouges", "Aimé Césaire", "Gisèle Halimi", "Germaine Tillion",
    "Émile Zola", "Molière", "Charles de Gaulle", "Anne Frank", "Lucie Aubrac", "Joséphine Baker",
)
SCHOOL_SAINTS = ("Sainte-Marie", "Saint-Joseph", "Notre-Dame", "Saint-Louis", "Jeanne d'Arc", "La Salle")

FIRST_NAMES = (
    "Agnès", "Jacques", "Claire", "Mathieu", "Céline", "Arnaud", "Alice", "Bruno", "Julie", "Olivier", "Léa",
    "Louis", "Camille", "Antoine", "Chloé", "Hugo", "Emmanuelle", "Nicolas", "Sandrine", "Yann", "Maïwenn",
    "Rachid", "Leïla", "Karim", "Inès", "Thomas", "Élodie", "Raphaël", "Noémie", "Vincent", "Juliette",
    "Pierre", "Aïssa", "Mélanie", "Guillaume", "Sophie", "Romain", "Manon", "Benoît", "Laure",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Lefèvre", "Fontaine", "Chevalier", "Rousseau",
    "Garnier", "Faure", "Mercier", "Blanchard", "Perrin", "Morel", "Girard", "André", "Lemaire", "Roux",
    "Benali", "Haddad", "Nguyen", "Kaboré", "Diallo", "Le Gall", "Kerbrat", "Bouchard", "Delmas", "Vidal",
    "Marchand", "Barbier", "Arnaud", "Carpentier", "Renaud", "Aubert", "Brunet", "Collin", "Leroy", "Picard",
)
FOREIGN_PEOPLE = {
    "États-Unis": (
        ("Sarah", "Michael", "Emily", "James", "Greta", "Wes"), ("Miller", "Baker", "Reed", "Coleman"),
    ),
    "Royaume-Uni": (("Joanna", "Andrea", "Ken", "Steve"), ("Hogg", "Arnold", "Loach", "McQueen")),
    "Italie": (("Alice", "Nanni", "Paolo", "Matteo"), ("Rohrwacher", "Moretti", "Sorrentino", "Garrone")),
    "Espagne": (("Pedro", "Carla", "Rodrigo", "Icíar"), ("Almodóvar", "Simón", "Sorogoyen", "Bollaín")),
    "Allemagne": (("Christian", "Maren", "Ilker", "Wim"), ("Petzold", "Ade", "Çatak", "Schmidt")),
    "Japon": (("Hirokazu", "Ryūsuke", "Naomi", "Mamoru"), ("Kore-eda", "Hamaguchi", "Kawase", "Hosoda")),
    "Corée du Sud": (("Hong", "Bong", "Park", "Lee"), ("Sang-soo", "Joon-ho", "Chan-wook", "Chang-dong")),
    "Iran": (("Asghar", "Jafar", "Mohammad", "Leila"), ("Farhadi", "Panahi", "Rasoulof", "Hatami")),
    "Belgique": (("Luc", "Lukas", "Joachim", "Fien"), ("Dardenne", "Dhont", "Lafosse", "Troch")),
    "Brésil": (("Kleber", "Karim", "Anna", "Walter"), ("Mendonça", "Aïnouz", "Muylaert", "Salles")),
    "Danemark": (("Thomas", "Lone", "Mads", "Susanne"), ("Vinterberg", "Scherfig", "Brügger", "Bier")),
}
COUNTRY_WEIGHTS = (
    ("France", 45), ("États-Unis", 20), ("Royaume-Uni", 5), ("Italie", 5), ("Espagne", 4), ("Allemagne", 4),
    ("Japon", 4), ("Corée du Sud", 3), ("Iran", 2), ("Belgique", 4), ("Brésil", 2), ("Danemark", 2),
)
GENRES = (
    "Drame", "Comédie", "Comédie dramatique", "Thriller", "Documentaire", "Animation", "Aventure",
    "Science-fiction", "Policier", "Romance", "Fantastique", "Épouvante-horreur", "Historique", "Biopic",
    "Famille", "Western", "Comédie musicale",
)
FAMILY_GENRES = frozenset({"Animation", "Famille", "Aventure"})
DISTRIBUTORS = (
    "Pyramide", "Le Pacte", "Diaphana", "Haut et Court", "Memento", "Ad Vitam", "Bac Films", "Jour2Fête",
    "Les Films du Losange", "Shellac", "Sophie Dulac Distribution", "Wild Bunch", "Gaumont", "Pathé Films",
    "SND", "UGC Distribution", "Warner Bros. France", "Universal Pictures France",
    "The Walt Disney Company France", "Sony Pictures", "Paramount Pictures France", "StudioCanal",
    "Metropolitan Filmexport", "ARP Sélection", "Condor", "KMBO", "Épicentre Films", "Tandem", "Rezo Films",
)
# Nouns with their gender, so the articles and adjectives of a title agree.
TITLE_NOUNS = (
    ("nuit", "f"), ("été", "m"), ("rivière", "f"), ("maison", "f"), ("saison", "f"), ("voyage", "m"),
    ("silence", "m"), ("mémoire", "f"), ("lumière", "f"), ("jeunesse", "f"), ("île", "f"), ("fille", "f"),
    ("garçon", "m"), ("frère", "m"), ("sœur", "f"), ("chambre", "f"), ("promesse", "f"), ("hiver", "m"),
    ("jardin", "m"), ("rêve", "m"), ("vague", "f"), ("route", "f"), ("forêt", "f"), ("secret", "m"),
    ("fleuve", "m"), ("retour", "m"), ("passagère", "f"), ("ombre", "f"), ("cœur", "m"), ("village", "m"),
    ("montagne", "f"), ("amie", "f"), ("héritier", "m"), ("tempête", "f"), ("bal", "m"), ("aventure", "f"),
    ("port", "m"), ("enfance", "f"), ("fête", "f"), ("colère", "f"), ("chemin", "m"), ("voisin", "m"),
    ("voisine", "f"), ("épreuve", "f"), ("famille", "f"), ("plage", "f"), ("lettre", "f"), ("train", "m"),
    ("hôtel", "m"), ("soldat", "m"), ("reine", "f"), ("veilleur", "m"), ("visiteur", "m"), ("cabane", "f"),
    ("course", "f"), ("danse", "f"),
)
TITLE_ADJECTIVES = (
    ("dernier", "dernière"), ("sauvage", "sauvage"), ("blanc", "blanche"), ("perdu", "perdue"),
    ("heureux", "heureuse"), ("lointain", "lointaine"), ("secret", "secrète"), ("doux", "douce"),
    ("brûlant", "brûlante"), ("invisible", "invisible"), ("inconnu", "inconnue"), ("ardent", "ardente"),
    ("fragile", "fragile"), ("immense", "immense"), ("nouveau", "nouvelle"), ("premier", "première"),
    ("tranquille", "tranquille"), ("rouge", "rouge"), ("noir", "noire"), ("vivant", "vivante"),
    ("éternel", "éternelle"), ("sombre", "sombre"), ("libre", "libre"), ("endormi", "endormie"),
)
TITLE_PLACES = (
    "Marseille", "la mer", "l'Ouest", "Belleville", "la vallée", "Saint-Malo", "l'aube", "minuit",
    "Quimper", "la plaine", "l'enfance", "Naples", "Tokyo", "la frontière", "Montréal", "l'exil",
    "Lisbonne", "Paris", "l'hiver", "Berlin", "la colline", "l'autre rive", "Dakar", "Alger", "la ville",
    "Lyon", "Brest", "Séoul", "Rome", "la nuit",
)
ENGLISH_TITLES = (
    "The Last Summer", "Wild Hearts", "A Quiet Place to Stay", "The Long Way Home", "Blue River",
    "Night Train", "The Inheritance", "Small Hours", "Broken Lines", "The Lighthouse Keeper",
    "After the Rain", "Golden Fields", "The Visitor", "Paper Moons", "Northern Lights", "The Promise",
)
SYNOPSIS_OPENINGS = (
    "Dans une petite ville de province,", "À la mort de son père,", "Un été, au bord de la mer,",
    "Au cœur d'une cité en pleine mutation,", "Pendant les vacances scolaires,", "Loin de sa famille,",
    "Au lendemain d'une rupture,", "Dans les années 1970,", "Le jour de ses dix-huit ans,",
)
SYNOPSIS_SUBJECTS = (
    "une jeune infirmière", "un vieux pêcheur", "deux sœurs que tout oppose", "un professeur de musique",
    "une bande d'adolescents", "une cheffe d'orchestre", "un agriculteur endetté", "une journaliste",
    "un petit garçon rêveur", "une famille recomposée", "un ancien boxeur", "une romancière en panne",
)
SYNOPSIS_TURNS = (
    "découvre un secret qui va bouleverser sa vie.", "doit choisir entre sa liberté et les siens.",
    "se lance dans un voyage qui n'aurait jamais dû avoir lieu.", "tente de sauver ce qui peut l'être.",
    "apprend à vivre avec ceux qu'il croyait connaître.", "croise la route d'un inconnu énigmatique.",
    "renoue avec un passé qu'elle avait voulu oublier.", "se bat pour garder le cinéma du village ouvert.",
)
EVENT_HEADLINES = (
    "Ciné-débat en présence de la réalisatrice", "Ciné-débat en présence du réalisateur",
    "Séance en présence de l'équipe du film", "Ciné-goûter", "Séance suivie d'une rencontre",
    "Ciné-club : présentation et discussion", "Soirée courts métrages", "Ciné-concert",
    "Séance en partenariat avec la médiathèque", "Rencontre avec un critique de cinéma",
)
FAMILY_HEADLINES = (
    "Ciné-goûter", "Ciné-goûter : atelier et projection", "Séance jeune public avec animation",
)
