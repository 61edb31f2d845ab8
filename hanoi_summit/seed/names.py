"""Personal names by region, for demo members. Invented combinations of common names.

Each region: male and female given names and family names. `FAMILY_FIRST` regions write
the family name first on the badge; Vietnamese names carry a middle name.
"""

NAMES = {
    "vi": {
        "male": ["Văn Hùng", "Đức Minh", "Quang Huy", "Văn Dũng", "Minh Tuấn", "Hữu Nam", "Thanh Long",
                 "Văn Hải", "Quốc Bảo", "Đình Phong", "Mạnh Cường", "Tiến Dũng", "Xuân Trường"],
        "female": ["Thị Hương", "Thị Lan", "Thu Trang", "Thị Mai", "Ngọc Anh", "Thanh Hà", "Thị Thảo",
                   "Phương Linh", "Minh Châu", "Thị Hồng", "Bích Ngọc", "Thu Hằng", "Kim Oanh"],
        "family": ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
                   "Dương", "Lý", "Phan", "Trịnh"],
    },
    "fr": {
        "male": ["Jean", "Pierre", "Louis", "Antoine", "Nicolas", "Julien", "François", "Mathieu",
                 "Olivier", "Étienne", "Luc", "Hugo"],
        "female": ["Marie", "Sophie", "Camille", "Claire", "Isabelle", "Élise", "Juliette", "Hélène",
                   "Céline", "Chloé", "Anne", "Margaux"],
        "family": ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau",
                   "Fournier", "Mercier", "Lemaire", "Faure", "Gauthier", "Perrin"],
    },
    "en": {
        "male": ["James", "William", "Thomas", "David", "Michael", "Andrew", "Daniel", "Richard",
                 "Christopher", "Matthew", "Robert", "Jonathan"],
        "female": ["Elizabeth", "Sarah", "Emily", "Catherine", "Jennifer", "Rachel", "Laura", "Helen",
                   "Margaret", "Olivia", "Susan", "Rebecca"],
        "family": ["Smith", "Johnson", "Williams", "Brown", "Taylor", "Wilson", "Clarke", "Walker",
                   "Hughes", "Campbell", "Morgan", "Bennett", "Harrison", "Fletcher"],
    },
    "es": {
        "male": ["José", "Carlos", "Juan", "Luis", "Miguel", "Alejandro", "Javier", "Andrés", "Diego",
                 "Fernando", "Ricardo", "Sergio"],
        "female": ["María", "Ana", "Lucía", "Carmen", "Isabel", "Valentina", "Gabriela", "Paula",
                   "Sofía", "Daniela", "Mónica", "Patricia"],
        "family": ["García", "Rodríguez", "Martínez", "López", "González", "Hernández", "Pérez",
                   "Sánchez", "Ramírez", "Torres", "Flores", "Castillo", "Vargas", "Morales"],
    },
    "pt": {
        "male": ["João", "Pedro", "Paulo", "Rafael", "Tiago", "Gustavo", "André", "Bruno", "Lucas",
                 "Rodrigo", "Miguel"],
        "female": ["Ana", "Beatriz", "Mariana", "Fernanda", "Juliana", "Inês", "Camila", "Larissa",
                   "Patrícia", "Luísa", "Renata"],
        "family": ["Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Ferreira", "Almeida",
                   "Carvalho", "Gomes", "Ribeiro", "Rocha"],
    },
    "de": {
        "male": ["Lukas", "Stefan", "Jonas", "Matthias", "Anders", "Lars", "Henrik", "Pieter", "Jan",
                 "Markus", "Florian", "Erik"],
        "female": ["Anna", "Katharina", "Julia", "Ingrid", "Sanna", "Eva", "Maria", "Lotte", "Sofie",
                   "Birgit", "Lena", "Astrid"],
        "family": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Jansen", "de Vries",
                   "Andersson", "Johansson", "Nielsen", "Hansen", "Virtanen", "Bauer", "Wagner"],
    },
    "it": {
        "male": ["Marco", "Giuseppe", "Alessandro", "Luca", "Giorgos", "Nikos", "Francesco", "Paolo",
                 "Matteo", "Dimitris", "Stefano"],
        "female": ["Giulia", "Francesca", "Chiara", "Maria", "Eleni", "Sofia", "Alessandra", "Federica",
                   "Katerina", "Elena", "Valeria"],
        "family": ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
                   "Papadopoulos", "Georgiou", "Borg", "Camilleri", "Greco"],
    },
    "sl": {
        "male": ["Aleksandr", "Piotr", "Tomáš", "Andrei", "Dmitri", "Marek", "Ivan", "Mihai", "Nikola",
                 "Jakub", "Oleksandr", "Lukáš"],
        "female": ["Anna", "Olga", "Katarzyna", "Elena", "Ioana", "Petra", "Tatiana", "Marta", "Jelena",
                   "Zuzana", "Natalia", "Irina"],
        "family": ["Ivanov", "Nowak", "Kowalski", "Novák", "Popescu", "Horváth", "Petrov", "Kovačević",
                   "Shevchenko", "Dvořák", "Wiśniewski", "Jovanović", "Georgiev", "Kuznetsov"],
    },
    "ar": {
        "male": ["Mohamed", "Ahmed", "Omar", "Youssef", "Khalid", "Hassan", "Ali", "Karim", "Tariq",
                 "Mahmoud", "Samir", "Faisal"],
        "female": ["Fatima", "Aisha", "Mariam", "Layla", "Nour", "Salma", "Yasmin", "Huda", "Rania",
                   "Amal", "Dina", "Leila"],
        "family": ["Al-Mansouri", "El-Sayed", "Haddad", "Al-Rashid", "Khalil", "Nasser", "Ibrahim",
                   "Mansour", "Bennani", "Al-Hashimi", "Saleh", "Darwish", "Aziz", "Hamdan"],
    },
    "tr": {
        "male": ["Mehmet", "Emre", "Murat", "Arman", "Nurlan", "Rustam", "Farid", "Dariush", "Reza",
                 "Timur", "Bekzod"],
        "female": ["Ayşe", "Zeynep", "Elif", "Aigerim", "Dilnoza", "Leyla", "Shirin", "Maryam", "Aliya",
                   "Nargiz", "Gulnara"],
        "family": ["Yılmaz", "Kaya", "Demir", "Şahin", "Nurmagambetov", "Aliyev", "Karimov", "Hosseini",
                   "Rahimi", "Tashkentov", "Mammadov", "Abenov"],
    },
    "af_fr": {
        "male": ["Mamadou", "Ibrahima", "Moussa", "Abdoulaye", "Ousmane", "Serge", "Jean-Baptiste",
                 "Yves", "Amadou", "Cheikh", "Désiré"],
        "female": ["Aminata", "Fatoumata", "Awa", "Mariama", "Aïssatou", "Clarisse", "Adjoa",
                   "Rokia", "Kadiatou", "Nadège", "Bintou"],
        "family": ["Diallo", "Traoré", "Koné", "Ouédraogo", "Diop", "Ndiaye", "Camara", "Sow",
                   "Kaboré", "Mbarga", "Touré", "Kouassi", "Nkurunziza"],
    },
    "af_en": {
        "male": ["Chukwuemeka", "Kwame", "Samuel", "Joseph", "Tendai", "Abebe", "Emmanuel", "Daniel",
                 "Kofi", "Thabo", "Peter", "Olumide"],
        "female": ["Ngozi", "Amara", "Grace", "Wanjiru", "Akosua", "Thandiwe", "Chipo", "Esther",
                   "Adaeze", "Nomvula", "Faith", "Halima"],
        "family": ["Okafor", "Mensah", "Otieno", "Mwangi", "Nkosi", "Banda", "Adeyemi", "Tadesse",
                   "Boateng", "Okonkwo", "Mutua", "Phiri", "Dlamini", "Kamau"],
    },
    "zh": {
        "male": ["Wei", "Jian", "Hao", "Ming", "Lei", "Jun", "Tao", "Qiang", "Bo", "Zhiwei", "Kai"],
        "female": ["Li", "Fang", "Xiu Ying", "Mei", "Jing", "Yan", "Hui", "Ling", "Xin", "Na", "Yun"],
        "family": ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Tan",
                   "Lim", "Lee"],
    },
    "ja": {
        "male": ["Hiroshi", "Takashi", "Kenji", "Daisuke", "Yuki", "Satoshi", "Kazuo", "Takumi"],
        "female": ["Yuko", "Akiko", "Haruka", "Naomi", "Emi", "Keiko", "Sakura", "Mayumi"],
        "family": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
                   "Kobayashi", "Kato"],
    },
    "ko": {
        "male": ["Min-jun", "Seo-jun", "Ji-hoon", "Dong-hyun", "Jae-won", "Sung-min", "Hyun-woo"],
        "female": ["Seo-yeon", "Ji-woo", "Min-seo", "Hye-jin", "Soo-ah", "Eun-ji", "Yoon-hee"],
        "family": ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"],
    },
    "sa": {
        "male": ["Rahul", "Arjun", "Imran", "Vikram", "Sanjay", "Ravi", "Anil", "Farhan", "Suresh",
                 "Kamal", "Prakash"],
        "female": ["Priya", "Ananya", "Sunita", "Ayesha", "Deepa", "Nadia", "Kavita", "Farzana", "Meera",
                   "Nirmala", "Shreya"],
        "family": ["Sharma", "Patel", "Singh", "Khan", "Gupta", "Rahman", "Perera", "Fernando",
                   "Chowdhury", "Iyer", "Shrestha", "Malik", "Reddy"],
    },
    "th": {
        "male": ["Somchai", "Anan", "Kittisak", "Sombath", "Sokha", "Thant", "Kyaw", "Chanthavong",
                 "Prasert", "Vanna"],
        "female": ["Siriporn", "Malee", "Nok", "Sophea", "Khin", "Noy", "Kanya", "Chenda", "Thida",
                   "Ploy"],
        "family": ["Srisuk", "Chaiyaporn", "Wongsa", "Phommachanh", "Sok", "Chan", "Win", "Aung",
                   "Keomany", "Rattanakorn", "Boonmee"],
    },
    "ms": {
        "male": ["Ahmad", "Budi", "Hafiz", "Rizal", "Agus", "Faizal", "Irwan", "Hamzah", "Dewa",
                 "Syafiq"],
        "female": ["Siti", "Nurul", "Dewi", "Aisyah", "Putri", "Sri", "Farah", "Intan", "Rina",
                   "Nadia"],
        "family": ["Abdullah", "Santoso", "Wijaya", "Rahman", "Hidayat", "Ismail", "Kusuma", "Hassan",
                   "Setiawan", "Yusof", "Pratama"],
    },
    "ph": {
        "male": ["Jose", "Mark", "Ramon", "Antonio", "Paolo", "Carlo", "Miguel", "Rafael"],
        "female": ["Maria", "Kristine", "Angelica", "Joy", "Patricia", "Camille", "Bea", "Liza"],
        "family": ["Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Villanueva", "Ramos",
                   "Aquino", "Dela Cruz"],
    },
}  # fmt: skip

#: Regions whose names are written family name first.
FAMILY_FIRST = {"vi", "zh", "ko"}
