"""The words of the simulated web's home pages: nine languages of neutral organisation news.

Each `Language` holds what `benchmarks.markup` puts on a page in that language: sentences,
headings, menu and footer labels, what an organisation calls itself, taglines and a few
fixed phrases. All of it is kept clear of every page-signal wording (sale, parking, expiry,
bot challenges, "not found"), so every live host's verdict is ``ok``; `python -m
benchmarks.markup_check --check N` shows it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    weight: int  # share of pages, relative
    sentences: tuple[str, ...]
    headings: tuple[str, ...]
    menu: tuple[str, ...]
    footer: tuple[str, ...]
    kinds: tuple[str, ...]  # what an organisation calls itself; "{place}" is filled in
    taglines: tuple[str, ...]
    read_more: str
    months: tuple[str, ...]
    search: str
    subscribe: str
    email: str
    rights: str


PLACES = (
    "Northbridge", "Eastmoor", "Kelvinside", "Ardmore", "Westfield", "Lindenau", "Brackwede",
    "Montreuil", "Vallauris", "Almería", "Ourense", "Braga", "Setúbal", "Lucca", "Trento",
    "Gdynia", "Toruń", "Kolomna", "Tver", "Sapporo", "Sendai", "Riverton", "Oakham", "Delft",
)  # fmt: skip

LANGUAGES: tuple[Language, ...] = (
    Language(
        "en", 40,
        (
            "Members meet every second Tuesday in the community hall on Station Road.",
            "Our branch has campaigned for affordable housing and better public transport since 1987.",
            "The annual conference will discuss the programme for the coming year and elect a new committee.",
            "Volunteers delivered leaflets to more than four thousand homes across the district last month.",
            "We work with trade unions, tenants&#8217; associations and local groups on issues that matter to working people.",
            "Read the latest issue of our newsletter for reports from meetings, events and campaigns.",
            "Everyone is welcome to join the discussion, whether or not you are a member.",
            "The study group continues its reading of the history of the labour movement on Thursday evenings.",
            "A public meeting on the future of the local hospital drew over two hundred people.",
            "Our statement on the council budget calls for investment in schools, libraries and youth services.",
            "Solidarity greetings were sent to the striking care workers and their families.",
            "Donations help us print materials, hire rooms and support campaigns in our communities.",
            "The summer school brings together members from every region for a week of talks and debate.",
            "Find out how to get involved, from helping at a stall to writing for the paper.",
        ),
        (
            "Latest news", "Upcoming events", "Our campaigns", "From the newsletter", "Join the movement",
            "Public meeting on housing", "Statement on the budget", "Summer school 2026", "International solidarity",
            "Local branches", "Publications", "Get involved",
        ),
        ("Home", "About us", "News", "Events", "Campaigns", "Publications", "Local groups", "Join", "Donate", "Contact"),
        ("Privacy policy", "Cookie settings", "Accessibility", "Press", "Archive", "Sitemap", "Contact us"),
        ("Workers&#8217; League of {place}", "{place} Socialist Association", "People&#8217;s Movement {place}", "{place} Labour Forum"),
        ("For a fairer society", "Organising since 1987", "Working people, united", "News, campaigns and events"),
        "Read more", ("January", "March", "May", "June", "September", "October", "November"),
        "Search", "Subscribe", "Your email address", "All rights reserved.",
    ),
    Language(
        "de", 10,
        (
            "Unsere Mitglieder treffen sich jeden zweiten Dienstag im Bürgerhaus am Marktplatz.",
            "Seit 1987 setzen wir uns für bezahlbaren Wohnraum und einen besseren Nahverkehr ein.",
            "Die Jahreskonferenz berät über das Programm für das kommende Jahr und wählt einen neuen Vorstand.",
            "Ehrenamtliche haben im letzten Monat über viertausend Flugblätter im ganzen Bezirk verteilt.",
            "Wir arbeiten mit Gewerkschaften, Mieterinitiativen und lokalen Gruppen zusammen.",
            "Lesen Sie die neueste Ausgabe unseres Rundbriefs mit Berichten von Treffen und Veranstaltungen.",
            "Alle sind herzlich eingeladen, an der Diskussion teilzunehmen &#8211; ob Mitglied oder nicht.",
            "Der Lesekreis beschäftigt sich donnerstags mit der Geschichte der Arbeiterbewegung.",
            "Eine öffentliche Versammlung zur Zukunft des Krankenhauses zog über zweihundert Menschen an.",
            "Unsere Erklärung zum Haushalt fordert Investitionen in Schulen, Bibliotheken und Jugendarbeit.",
            "Spenden helfen uns, Material zu drucken, Räume zu mieten und Kampagnen zu unterstützen.",
            "Die Sommerschule bringt Mitglieder aus allen Regionen für eine Woche mit Vorträgen zusammen.",
        ),
        (
            "Aktuelles", "Termine", "Unsere Kampagnen", "Aus dem Rundbrief", "Mitmachen", "Versammlung zum Wohnen",
            "Erklärung zum Haushalt", "Sommerschule 2026", "Internationale Solidarität", "Ortsgruppen", "Publikationen",
        ),
        ("Startseite", "Über uns", "Aktuelles", "Termine", "Kampagnen", "Publikationen", "Ortsgruppen", "Mitglied werden", "Spenden", "Kontakt"),
        ("Datenschutz", "Impressum", "Cookie-Einstellungen", "Barrierefreiheit", "Presse", "Archiv", "Kontakt"),
        ("Arbeiterbund {place}", "Sozialistische Vereinigung {place}", "Bewegung für {place}", "Forum Arbeit {place}"),
        ("Für eine gerechte Gesellschaft", "Seit 1987 aktiv", "Gemeinsam stark", "Nachrichten und Termine"),
        "Weiterlesen", ("Januar", "März", "Mai", "Juni", "September", "Oktober", "November"),
        "Suche", "Abonnieren", "Ihre E-Mail-Adresse", "Alle Rechte vorbehalten.",
    ),
    Language(
        "fr", 10,
        (
            "Les militants se réunissent un mardi sur deux à la maison des associations.",
            "Depuis 1987, nous défendons le logement abordable et de meilleurs transports publics.",
            "La conférence annuelle débattra du programme de l&#8217;année et élira une nouvelle direction.",
            "Les bénévoles ont distribué plus de quatre mille tracts dans tout le quartier le mois dernier.",
            "Nous travaillons avec les syndicats, les associations de locataires et les collectifs locaux.",
            "Lisez le dernier numéro de notre bulletin&nbsp;: comptes rendus de réunions, événements et campagnes.",
            "Chacun est le bienvenu pour participer au débat, adhérent ou non.",
            "Le cercle d&#8217;étude poursuit sa lecture de l&#8217;histoire du mouvement ouvrier le jeudi soir.",
            "Une réunion publique sur l&#8217;avenir de l&#8217;hôpital a rassemblé plus de deux cents personnes.",
            "Notre déclaration sur le budget municipal demande des investissements dans les écoles et les bibliothèques.",
            "Les dons nous permettent d&#8217;imprimer du matériel et de soutenir nos campagnes.",
            "L&#8217;université d&#8217;été réunit des militants de toutes les régions pendant une semaine.",
        ),
        (
            "Actualités", "Agenda", "Nos campagnes", "Le bulletin", "Nous rejoindre", "Réunion publique sur le logement",
            "Déclaration sur le budget", "Université d&#8217;été 2026", "Solidarité internationale", "Groupes locaux",
        ),
        ("Accueil", "Qui sommes-nous", "Actualités", "Agenda", "Campagnes", "Publications", "Groupes locaux", "Adhérer", "Faire un don", "Contact"),
        ("Mentions légales", "Confidentialité", "Gestion des cookies", "Accessibilité", "Presse", "Archives", "Contact"),
        ("Ligue ouvrière de {place}", "Association socialiste de {place}", "Mouvement populaire {place}", "Forum du travail {place}"),
        ("Pour une société plus juste", "Militants depuis 1987", "Ensemble, solidaires", "Actualités et agenda"),
        "Lire la suite", ("janvier", "mars", "mai", "juin", "septembre", "octobre", "novembre"),
        "Rechercher", "S&#8217;abonner", "Votre adresse e-mail", "Tous droits réservés.",
    ),
    Language(
        "es", 10,
        (
            "Los afiliados se reúnen cada dos martes en el centro cívico de la plaza.",
            "Desde 1987 defendemos la vivienda asequible y un transporte público mejor.",
            "La conferencia anual debatirá el programa del próximo año y elegirá una nueva dirección.",
            "Los voluntarios repartieron más de cuatro mil folletos en todo el barrio el mes pasado.",
            "Trabajamos con sindicatos, asociaciones de inquilinos y colectivos locales.",
            "Lee el último número de nuestro boletín con crónicas de reuniones, actos y campañas.",
            "Todo el mundo está invitado a participar en el debate, sea o no afiliado.",
            "El grupo de estudio continúa cada jueves con la historia del movimiento obrero.",
            "Una asamblea pública sobre el futuro del hospital reunió a más de doscientas personas.",
            "Nuestra declaración sobre el presupuesto pide inversión en escuelas, bibliotecas y juventud.",
            "Las donaciones nos ayudan a imprimir materiales y a apoyar nuestras campañas.",
            "La escuela de verano reúne durante una semana a afiliados de todas las regiones.",
        ),
        (
            "Noticias", "Agenda", "Nuestras campañas", "El boletín", "Participa", "Asamblea sobre vivienda",
            "Declaración sobre el presupuesto", "Escuela de verano 2026", "Solidaridad internacional", "Agrupaciones",
        ),
        ("Inicio", "Quiénes somos", "Noticias", "Agenda", "Campañas", "Publicaciones", "Agrupaciones", "Afíliate", "Dona", "Contacto"),
        ("Aviso legal", "Privacidad", "Configuración de cookies", "Accesibilidad", "Prensa", "Archivo", "Contacto"),
        ("Liga Obrera de {place}", "Asociación Socialista de {place}", "Movimiento Popular {place}", "Foro del Trabajo {place}"),
        ("Por una sociedad más justa", "Desde 1987", "Unidos y organizados", "Noticias y agenda"),
        "Leer más", ("enero", "marzo", "mayo", "junio", "septiembre", "octubre", "noviembre"),
        "Buscar", "Suscribirse", "Tu correo electrónico", "Todos los derechos reservados.",
    ),
    Language(
        "pt", 5,
        (
            "Os militantes reúnem-se às terças-feiras, de quinze em quinze dias, na associação do bairro.",
            "Desde 1987 lutamos por habitação acessível e melhores transportes públicos.",
            "A conferência anual vai debater o programa do próximo ano e eleger uma nova direção.",
            "Os voluntários distribuíram mais de quatro mil panfletos em todo o concelho no mês passado.",
            "Trabalhamos com sindicatos, associações de inquilinos e coletivos locais.",
            "Leia o último número do nosso boletim, com relatos de reuniões, eventos e campanhas.",
            "Todos são bem-vindos ao debate, sejam ou não militantes.",
            "Uma sessão pública sobre o futuro do hospital reuniu mais de duzentas pessoas.",
            "Os donativos ajudam-nos a imprimir materiais e a apoiar as nossas campanhas.",
        ),
        ("Notícias", "Agenda", "As nossas campanhas", "O boletim", "Participe", "Sessão pública sobre habitação", "Núcleos locais"),
        ("Início", "Quem somos", "Notícias", "Agenda", "Campanhas", "Publicações", "Núcleos", "Aderir", "Donativos", "Contacto"),
        ("Política de privacidade", "Cookies", "Acessibilidade", "Imprensa", "Arquivo", "Contacto"),
        ("Liga Operária de {place}", "Associação Socialista de {place}", "Movimento Popular {place}"),
        ("Por uma sociedade mais justa", "Desde 1987", "Notícias e agenda"),
        "Ler mais", ("janeiro", "março", "maio", "junho", "setembro", "outubro", "novembro"),
        "Pesquisar", "Subscrever", "O seu e-mail", "Todos os direitos reservados.",
    ),
    Language(
        "it", 5,
        (
            "Gli iscritti si riuniscono un martedì sì e uno no nella casa del popolo.",
            "Dal 1987 ci battiamo per case accessibili e trasporti pubblici migliori.",
            "La conferenza annuale discuterà il programma del prossimo anno ed eleggerà un nuovo direttivo.",
            "I volontari hanno distribuito più di quattromila volantini in tutto il quartiere il mese scorso.",
            "Lavoriamo con i sindacati, le associazioni degli inquilini e i comitati locali.",
            "Leggi l&#8217;ultimo numero del nostro notiziario con i resoconti di riunioni e iniziative.",
            "Tutti sono benvenuti a partecipare alla discussione, iscritti e non.",
            "Un&#8217;assemblea pubblica sul futuro dell&#8217;ospedale ha riunito più di duecento persone.",
            "Le donazioni ci aiutano a stampare materiali e a sostenere le nostre campagne.",
        ),
        ("Notizie", "Appuntamenti", "Le nostre campagne", "Il notiziario", "Partecipa", "Assemblea sulla casa", "Sezioni locali"),
        ("Home", "Chi siamo", "Notizie", "Appuntamenti", "Campagne", "Pubblicazioni", "Sezioni", "Iscriviti", "Sostienici", "Contatti"),
        ("Privacy", "Cookie", "Accessibilità", "Stampa", "Archivio", "Contatti"),
        ("Lega Operaia di {place}", "Associazione Socialista di {place}", "Movimento Popolare {place}"),
        ("Per una società più giusta", "Dal 1987", "Notizie e appuntamenti"),
        "Continua a leggere", ("gennaio", "marzo", "maggio", "giugno", "settembre", "ottobre", "novembre"),
        "Cerca", "Iscriviti", "La tua email", "Tutti i diritti riservati.",
    ),
    Language(
        "pl", 5,
        (
            "Członkowie spotykają się co drugi wtorek w domu kultury przy ulicy Dworcowej.",
            "Od 1987 roku walczymy o tanie mieszkania i lepszy transport publiczny.",
            "Doroczna konferencja omówi program na przyszły rok i wybierze nowy zarząd.",
            "W zeszłym miesiącu wolontariusze rozdali ponad cztery tysiące ulotek w całej dzielnicy.",
            "Współpracujemy ze związkami zawodowymi, stowarzyszeniami lokatorów i grupami lokalnymi.",
            "Przeczytaj najnowszy numer biuletynu z relacjami ze spotkań, wydarzeń i kampanii.",
            "Każdy jest mile widziany w dyskusji, niezależnie od tego, czy jest członkiem.",
            "Zebranie publiczne w sprawie przyszłości szpitala zgromadziło ponad dwieście osób.",
            "Darowizny pomagają nam drukować materiały i wspierać nasze kampanie.",
        ),
        ("Aktualności", "Wydarzenia", "Nasze kampanie", "Biuletyn", "Dołącz do nas", "Zebranie w sprawie mieszkań", "Koła lokalne"),
        ("Strona główna", "O nas", "Aktualności", "Wydarzenia", "Kampanie", "Publikacje", "Koła", "Dołącz", "Wesprzyj", "Kontakt"),
        ("Polityka prywatności", "Ciasteczka", "Dostępność", "Prasa", "Archiwum", "Kontakt"),
        ("Liga Robotnicza {place}", "Stowarzyszenie Socjalistyczne {place}", "Ruch Ludowy {place}"),
        ("Dla sprawiedliwego społeczeństwa", "Od 1987 roku", "Aktualności i wydarzenia"),
        "Czytaj dalej", ("stycznia", "marca", "maja", "czerwca", "września", "października", "listopada"),
        "Szukaj", "Zapisz się", "Twój adres e-mail", "Wszelkie prawa zastrzeżone.",
    ),
    Language(
        "ru", 10,
        (
            "Члены организации встречаются каждый второй вторник в доме культуры на Вокзальной улице.",
            "С 1987 года мы добиваемся доступного жилья и лучшего общественного транспорта.",
            "Ежегодная конференция обсудит программу на следующий год и изберёт новый комитет.",
            "В прошлом месяце волонтёры раздали более четырёх тысяч листовок по всему району.",
            "Мы работаем вместе с профсоюзами, объединениями жильцов и местными группами.",
            "Читайте свежий выпуск нашего бюллетеня: отчёты о собраниях, событиях и кампаниях.",
            "Все желающие могут принять участие в обсуждении, независимо от членства.",
            "Открытое собрание о будущем городской больницы собрало более двухсот человек.",
            "Пожертвования помогают нам печатать материалы и поддерживать наши кампании.",
            "Летняя школа собирает членов организации из всех регионов на неделю лекций и дискуссий.",
        ),
        ("Новости", "События", "Наши кампании", "Бюллетень", "Присоединяйтесь", "Собрание о жилье", "Местные группы", "Публикации"),
        ("Главная", "О нас", "Новости", "События", "Кампании", "Публикации", "Группы", "Вступить", "Поддержать", "Контакты"),
        ("Политика конфиденциальности", "Файлы cookie", "Доступность", "Пресса", "Архив", "Контакты"),
        ("Рабочая лига города {place}", "Социалистическое объединение {place}", "Народное движение {place}"),
        ("За справедливое общество", "С 1987 года", "Новости и события"),
        "Читать далее", ("января", "марта", "мая", "июня", "сентября", "октября", "ноября"),
        "Поиск", "Подписаться", "Ваш e-mail", "Все права защищены.",
    ),
    Language(
        "ja", 5,
        (
            "会員は毎月第二火曜日に駅前の市民会館で集まっています。",
            "1987年から、手頃な住宅とより良い公共交通を求めて活動してきました。",
            "年次大会では来年の方針を議論し、新しい委員会を選出します。",
            "先月はボランティアが地域全体で四千枚以上のチラシを配布しました。",
            "労働組合や住民団体、地域のグループと協力して活動しています。",
            "集会やイベント、キャンペーンの報告は最新号のニュースレターをご覧ください。",
            "会員かどうかにかかわらず、どなたでも議論に参加できます。",
            "市立病院の将来についての公開集会には二百人以上が参加しました。",
            "皆さまからのご寄付は資料の印刷やキャンペーンの支援に役立てられます。",
        ),
        ("お知らせ", "イベント", "私たちのキャンペーン", "ニュースレター", "参加する", "住宅問題の公開集会", "地域の支部"),
        ("ホーム", "私たちについて", "お知らせ", "イベント", "キャンペーン", "出版物", "支部", "入会", "寄付", "お問い合わせ"),
        ("プライバシーポリシー", "クッキー設定", "アクセシビリティ", "報道関係", "アーカイブ", "お問い合わせ"),
        ("{place}労働者連盟", "{place}社会主義協会", "{place}市民運動"),
        ("公正な社会のために", "1987年から", "お知らせとイベント"),
        "続きを読む", ("1月", "3月", "5月", "6月", "9月", "10月", "11月"),
        "検索", "購読する", "メールアドレス", "無断転載を禁じます。",
    ),
)
