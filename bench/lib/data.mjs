// Word lists for the synthetic contacts. Order matters: the generator skews its picks towards the
// start of each list, so the first names/surnames are the "common" ones (like real registers).
// Each entry is [display form, ASCII slug used in e-mail addresses].

const latin = (names) => names.map((n) => [n, slugify(n)]);

export function slugify(s) {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/ø/g, 'o').replace(/ı/g, 'i').replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]/g, '');
}

export const FIRST_LATIN = latin([
  'Maria', 'Andreas', 'Georgios', 'Eleni', 'Christos', 'Andri', 'Panayiotis', 'Katerina', 'Nicos',
  'Georgia', 'Michalis', 'Christina', 'Constantinos', 'Anna', 'Ioannis', 'Despina', 'Demetris',
  'Elena', 'Marios', 'Sofia', 'Kyriacos', 'Stella', 'Charalambos', 'Chrystalla', 'Savvas', 'Irene',
  'Stavros', 'Androulla', 'Costas', 'Panayiota', 'Yiannis', 'Loucia', 'Antonis', 'Theodora',
  'Petros', 'Myria', 'Stelios', 'Natalia', 'Sotiris', 'Eftychia', 'Neophytos', 'Evi', 'Pavlos',
  'Rafaella', 'Loizos', 'Marina', 'Philippos', 'Niki', 'Alexis', 'Kalliopi', 'Lefteris', 'Xenia',
  'Nektarios', 'Anastasia', 'Vasilis', 'Demetra', 'Zacharias', 'Angeliki', 'Kypros', 'Froso',
  'James', 'Olivia', 'Oliver', 'Emma', 'John', 'Amelia', 'David', 'Isla', 'Michael', 'Ava',
  'Thomas', 'Emily', 'George', 'Sophie', 'William', 'Grace', 'Harry', 'Charlotte', 'Jack', 'Lily',
  'Daniel', 'Jessica', 'Matthew', 'Chloe', 'Andrew', 'Hannah', 'Paul', 'Lucy', 'Mark', 'Sarah',
  'Richard', 'Laura', 'Peter', 'Rebecca', 'Robert', 'Rachel', 'Steven', 'Helen', 'Christopher',
  'Claire', 'Jonathan', 'Katie', 'Simon', 'Alice', 'Edward', 'Holly', 'Samuel', 'Megan', 'Benjamin',
  'Ellie', 'Joseph', 'Freya', 'Henry', 'Evie', 'Charlie', 'Poppy', 'Alexander', 'Ruby', 'Luke',
  'Zoe', 'Ryan', 'Abigail', 'Adam', 'Eleanor', 'Nathan', 'Victoria', 'Liam', 'Molly', 'Noah',
  'Isabella', 'Ethan', 'Mia', 'Jacob', 'Harriet', 'Max', 'Imogen', 'Ivan', 'Olga', 'Dmitri',
  'Svetlana', 'Sergei', 'Tatiana', 'Alexei', 'Irina', 'Mikhail', 'Yulia', 'Ahmed', 'Fatima', 'Omar',
  'Layla', 'Hassan', 'Noor', 'Luca', 'Giulia', 'Marco', 'Francesca', 'Pierre', 'Camille', 'Lukas',
  'Anja', 'Piotr', 'Agnieszka', 'Raj', 'Priya', 'Arjun', 'Ananya', 'Wei', 'Mei', 'Hiroshi', 'Yuki',
  'Carlos', 'Lucía', 'José', 'Zoë', 'Renée', 'François', 'Jürgen', 'Søren', 'Łukasz', 'Siobhán',
]);

export const LAST_LATIN = latin([
  'Georgiou', 'Smith', 'Papadopoulos', 'Jones', 'Ioannou', 'Williams', 'Constantinou', 'Brown',
  'Christodoulou', 'Taylor', 'Charalambous', 'Davies', 'Nicolaou', 'Evans', 'Michael', 'Wilson',
  'Antoniou', 'Thomas', 'Demetriou', 'Johnson', 'Christou', 'Roberts', 'Andreou', 'Walker',
  'Kyriacou', 'Wright', 'Savva', 'Robinson', 'Panayiotou', 'Thompson', 'Hadjigeorgiou', 'White',
  'Economou', 'Hughes', 'Stylianou', 'Edwards', 'Neophytou', 'Green', 'Pavlou', 'Hall', 'Petrou',
  'Wood', 'Loizou', 'Harris', 'Sotiriou', 'Lewis', 'Chrysostomou', 'Martin', 'Theodorou', 'Jackson',
  'Philippou', 'Clarke', 'Kyprianou', 'Clark', 'Vasiliou', 'Turner', 'Hadjipetrou', 'Hill',
  'Kouppis', 'Scott', 'Zacharia', 'Cooper', 'Efstathiou', 'Morris', 'Iacovou', 'Ward', 'Markou',
  'Moore', 'Spyrou', 'King', 'Kleanthous', 'Watson', 'Mavrou', 'Baker', 'Solomou', 'Harrison',
  'Koumi', 'Morgan', 'Hadjiioannou', 'Patel', 'Lambrou', 'Young', 'Stavrou', 'Allen', 'Polycarpou',
  'Mitchell', 'Athanasiou', 'James', 'Hadjichristou', 'Anderson', 'Constantinides', 'Phillips',
  'Georgiades', 'Lee', 'Ioannides', 'Bell', 'Kyriakides', 'Parker', 'Christofides', 'Davis',
  'Michaelides', 'Kelly', 'Nicolaides', 'Shaw', 'Pieri', 'Khan', 'Socratous', 'Ali', 'Onoufriou',
  'Singh', 'Pitsillides', 'Campbell', 'Demosthenous', 'Murphy', 'Kallis', 'Begum', 'Aristidou',
  'Ivanov', 'Petrov', 'Smirnova', 'Kuznetsov', 'Popova', 'Volkov', 'Novak', 'Kowalski', 'Nowak',
  'Rossi', 'Bianchi', 'Romano', 'Müller', 'Schmidt', 'Schneider', 'Dubois', 'Lefèvre', 'García',
  'Fernández', 'López', 'Martínez', 'Silva', 'Santos', 'Costa', "O'Brien", "O'Connor", 'McDonald',
  'MacLeod', 'Kaya', 'Yılmaz', 'Öztürk', 'Hadjinicolaou', 'Kourousis', 'Mouskos', 'Tsangarides',
  'Xenophontos', 'Vrahimis', 'Pittas', 'Hadjikyriacou', 'Evagorou', 'Kaimakliotis', 'Anastasiou',
  'Photiou', 'Gregoriou', 'Hadjimichael', 'Kapsalis', 'Kountouris', 'Mylonas', 'Patsalides',
  'Zenonos', 'Orphanides', 'Fletcher', 'Holmes', 'Gibson', 'Marshall', 'Hunt', 'Mills',
]);

// Greek script: [display, slug]. Lower-casing is done by the generator (JavaScript's
// toLowerCase, like Rust's str::to_lowercase, applies the full Unicode mapping).
export const FIRST_GREEK = [
  ['Γιώργος', 'giorgos'], ['Μαρία', 'maria'], ['Ελένη', 'eleni'], ['Ανδρέας', 'andreas'],
  ['Χρίστος', 'christos'], ['Κατερίνα', 'katerina'], ['Νίκος', 'nikos'], ['Σοφία', 'sofia'],
  ['Παναγιώτης', 'panagiotis'], ['Αναστασία', 'anastasia'], ['Δημήτρης', 'dimitris'],
  ['Γεωργία', 'georgia'], ['Κωνσταντίνος', 'konstantinos'], ['Χριστίνα', 'christina'],
  ['Μιχάλης', 'michalis'], ['Δέσποινα', 'despoina'], ['Γιάννης', 'giannis'], ['Άννα', 'anna'],
  ['Σάββας', 'savvas'], ['Στέλλα', 'stella'], ['Κυριάκος', 'kyriakos'], ['Ειρήνη', 'eirini'],
  ['Χαράλαμπος', 'charalampos'], ['Θεοδώρα', 'theodora'], ['Σταύρος', 'stavros'],
  ['Ευτυχία', 'eftychia'], ['Πέτρος', 'petros'], ['Νίκη', 'niki'], ['Λοΐζος', 'loizos'],
  ['Ξένια', 'xenia'],
];

export const LAST_GREEK = [
  ['Παπαδόπουλος', 'papadopoulos'], ['Γεωργίου', 'georgiou'], ['Ιωάννου', 'ioannou'],
  ['Κωνσταντίνου', 'konstantinou'], ['Χριστοδούλου', 'christodoulou'],
  ['Χαραλάμπους', 'charalampous'], ['Νικολάου', 'nikolaou'], ['Αντωνίου', 'antoniou'],
  ['Δημητρίου', 'dimitriou'], ['Χριστοφόρου', 'christoforou'], ['Ανδρέου', 'andreou'],
  ['Κυριάκου', 'kyriakou'], ['Παναγιώτου', 'panagiotou'], ['Σάββα', 'savva'],
  ['Οικονόμου', 'oikonomou'], ['Στυλιανού', 'stylianou'], ['Νεοφύτου', 'neofytou'],
  ['Παύλου', 'pavlou'], ['Πέτρου', 'petrou'], ['Λοΐζου', 'loizou'], ['Θεοδώρου', 'theodorou'],
  ['Φιλίππου', 'filippou'], ['Κυπριανού', 'kyprianou'], ['Βασιλείου', 'vasileiou'],
  ['Ζαχαρία', 'zacharia'], ['Ευσταθίου', 'efstathiou'], ['Ιακώβου', 'iakovou'], ['Μάρκου', 'markou'],
  ['Σπύρου', 'spyrou'], ['Παπαδοπούλου', 'papadopoulou'],
];

// Company names are "<stem> <suffix>".
export const COMPANY_STEMS = [
  ...latin([
    'Blue Fin', 'Nicosia Bikes', 'Harbour Coffee', 'Limassol Marine', 'Troodos Springs',
    'Larnaca Logistics', 'Paphos Sun', 'Kyrenia Olive', 'Famagusta Trading', 'Aphrodite Hotels',
    'Cedar Software', 'Olive Grove', 'Mediterranean Shipping', 'Halloumi House', 'Commandaria Cellars',
    'Thames Valley Consulting', 'Oxford Analytics', 'Brighton Bakes', 'Northern Rail Parts',
    'Highland Wool', 'Greenleaf Gardens', 'Redbrick Builders', 'Silverline Media', 'Kingfisher Tours',
    'Riverside Dental', 'Atlas Engineering', 'Orion Data', 'Nova Pharma', 'Zenith Accounting',
    'Pioneer Insurance', 'Summit Legal', 'Beacon Security', 'Apex Motors', 'Coral Bay Diving',
    'Lemon Tree Catering', 'Carob Mill', 'Salt Lake Energy', 'Akamas Adventures', 'Venus Rock Yachts',
    'Petra Stone', 'Agora Markets', 'Meraki Design', 'Thalassa Fisheries', 'Hermes Couriers',
    'Castle Print', 'Evergreen Solar', 'Bluebird Travel', 'Phoenix Fitness', 'Granite Capital',
    'Seaview Apartments',
  ]),
  ['Κυπριακή Ναυτιλιακή', 'kypriakinaftiliaki'], ['Αφροδίτη Ξενοδοχεία', 'afroditixenodocheia'],
  ['Ελιά Τρόφιμα', 'eliatrofima'], ['Θάλασσα Αλιεία', 'thalassaalieia'],
  ['Λεμεσός Μάρμαρα', 'lemesosmarmara'], ['Τρόοδος Νερά', 'troodosnera'],
  ['Αμμόχωστος Εμπορική', 'ammochostosemporiki'], ['Πάφος Κατασκευές', 'pafoskataskeves'],
];

export const COMPANY_SUFFIXES = [
  'Ltd', 'Limited', 'Ltd', 'Plc', 'Group', 'Holdings', 'Services', '& Co', 'Partners', 'Trading Ltd',
  'LLP', 'Cyprus Ltd', 'UK Ltd',
];

// Repeats weight the pick.
export const PERSON_DOMAINS = [
  'gmail.com', 'gmail.com', 'gmail.com', 'gmail.com', 'gmail.com', 'gmail.com', 'hotmail.com',
  'hotmail.com', 'outlook.com', 'outlook.com', 'cytanet.com.cy', 'cytanet.com.cy', 'yahoo.com',
  'primehome.com', 'live.com', 'btinternet.com', 'yahoo.co.uk', 'icloud.com', 'protonmail.com',
  'cablenet.com.cy',
];

export const COMPANY_MAILBOXES = ['info', 'accounts', 'hello', 'office', 'sales', 'admin'];
export const COMPANY_TLDS = ['com', 'com.cy', 'co.uk', 'cy', 'net'];
export const TITLES = ['Mr', 'Mr', 'Mr', 'Mrs', 'Ms', 'Ms', 'Dr'];
