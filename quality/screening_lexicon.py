"""Word lists of the name screen: first names and surnames of several origins, and the words that look like names
but are not people (drugs, eponyms of clinical scores and diseases, places, institutions).

Every entry is lower case without accents (``fold``); the screen compares folded words.
"""

from __future__ import annotations

import unicodedata


def fold(word: str) -> str:
    """Lower case, without accents or typographic apostrophes: the key the lists are compared with."""
    text = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(w) for w in text.split())


# First names of people living in France, several origins. Hyphenated compounds are split by the screen.
FIRST_NAMES = _words("""
adele adrien agathe agnes aicha alain albert alexandre alexandra alexis alice aline alix amandine amelie anais
andre andree angelique anne annick annie antoine antoinette apolline armand arnaud arthur audrey augustin aurelie
aurelien axel baptiste barbara benedicte benjamin benoit bernadette bernard bertrand brigitte bruno camille carine
caroline catherine cecile celine chantal charles charlotte christian christiane christine christophe claire
clarisse claudine clement clemence colette corinne cyril damien daniel daniele danielle david delphine denis
denise didier dominique edith edouard eliane elisabeth elise eloise emile emilie emma emmanuel emmanuelle eric
estelle etienne eugene eveline evelyne fabien fabienne fabrice florence florian francis francine francois francoise
frederic frederique gabriel gabrielle gael gaelle genevieve georges gerard germaine gilbert gilles ginette gisele
gregoire gregory guillaume guy helene henri henriette herve hugo hugues ines irene isabelle jacqueline jacques
jean jeanne jeannine jeremy jerome joel joelle jonathan josette joseph josephine josiane julie julien juliette
justine karine laetitia laure laurence laurent lea leon leonie liliane louis louise lucas lucie lucien lucienne
ludovic madeleine manon marc marcel marcelle margaux marguerite maria marie marine marion marius marthe martine
mathieu mathilde matthieu maurice maxime melanie michel micheline michele monique muriel mylene nadine nathalie
nicolas nicole noel noemie odette odile olivier pascal pascale patrice patricia patrick paul paule paulette pauline
philippe pierre quentin raphael raymond raymonde regine remi renee richard robert roger roland romain sabine sandrine
sebastien serge simone solange sophie stephane stephanie suzanne sylvain sylvie thierry thomas thibault valerie
veronique vincent virginie vivien yann yannick yves yvette yvonne zoe jules leo louna jade lina chloe nathan timeo
enzo theo mael noah kylian mattheo clementine gaspard baptiste solene maeva oceane lou
mohamed mohammed mohamed ahmed ali karim rachid said samir farid nabil yacine youssef mehdi sofiane bilal hamza
amine omar khaled abdel abdelkader abdallah mustapha mourad hakim nadia fatima fatiha khadija leila leila yasmina
samira malika naima zohra houria amina sarah myriam rania soraya nour ilyes imane salma meriem karima djamila
mamadou moussa ousmane ibrahima boubacar abdoulaye amadou seydou souleymane cheikh modou aissatou fatou aminata
mariama awa kadiatou binta oumou coumba adama issa lamine
jose joao manuel antonio francisco carlos luis miguel pedro paulo rui nuno fernando ana isabel rosa conceicao
fatima graca teresa lucia carmen dolores pilar mercedes juan javier jorge alejandro pablo diego sergio raul
giovanni giuseppe marco luca matteo alessandro francesca giulia chiara silvia paola
wei li ming hui mei ling thanh minh tuan hung lan huong linh quang duc anh
ivan igor dmitri olga natalia svetlana tatiana irina anna piotr katarzyna agnieszka
kevin steven brandon jessica jennifer cindy kelly dylan jordan ryan
""")

# Common first names that are also common words: flagged only when written with a capital inside a sentence.
AMBIGUOUS_FIRST_NAMES = _words("""
rose pierre claude marine olive ange france aime desire victoire constance prudence blanche violette reine
colombe jean paul marc guy lea emile lou leo jade yann anne lucie rosa lan anh li issa lamine
""")

# Surnames frequent in France (several origins): a capitalised one inside a sentence is a name.
SURNAMES = _words("""
martin bernard dubois thomas robert richard petit durand leroy moreau simon laurent lefebvre michel garcia david
bertrand roux vincent fournier morel girard andre lefevre mercier dupont lambert bonnet francois martinez legrand
garnier faure rousseau blanc guerin muller henry roussel nicolas perrin morin mathieu clement gauthier dumont lopez
fontaine chevalier robin masson sanchez gerard nguyen boyer denis lemaire duval joly gautier roger roche roy noel
meyer lucas meunier jean perez marchand dufour blanchard marie barbier brun dumas brunet schmitt leroux colin
fernandez pierre renard arnaud rolland caron aubert giraud leclerc vidal bourgeois renaud lemoine picard gaillard
philippe leclercq lacroix fabre dupuis olivier rodriguez da silva hubert louis charles guillot riviere le gall
le goff le roux diallo traore camara diop ndiaye sylla toure keita kone coulibaly ba sow fall cisse dieng
benali benamar belkacem bensaid bouzid haddad mansouri saidi chaouch hamdi amrani cherif rahmani ziani
ferreira dos santos pereira oliveira rodrigues fernandes goncalves gomes lopes carvalho almeida ribeiro
tran le pham hoang phan vu dang bui do ho ngo duong ly wang zhang chen liu yang huang zhao wu zhou
kowalski nowak ivanov petrov smirnov rossi russo ferrari esposito bianchi romano colombo ricci
""")

# Drugs (brands and INN) the French model reads as people.
DRUGS = _words("""
doliprane dafalgan efferalgan paracetamol codoliprane izalgi lamaline ixprim topalgic tramadol skenan actiskenan
oxynorm oxycontin oxycodone morphine fentanyl durogesic abstral instanyl nefopam acupan spasfon smecta imodium
tiorfan gaviscon inexium mopral lansoyl forlax movicol duphalac primperan vogalene motilium zophren domperidone
lovenox enoxaparine innohep tinzaparine fragmine calciparine heparine arixtra kardegic aspegic aspirine plavix
clopidogrel efient brilique previscan fluindione coumadine warfarine sintrom xarelto rivaroxaban eliquis apixaban
pradaxa dabigatran levothyrox euthyral neomercazole lasilix lasix furosemide aldactone kayexalate digoxine
cordarone amiodarone flecaine sotalex nitriderm natispray risordan trinitrine coversyl triatec amlor tahor crestor
zocor bisoprolol cardensiel detensiel kredex seloken tenormine avlocardyl aprovel coaprovel cozaar hyzaar atacand
tareg micardis olmetec loxen eupressyl catapressan metformine glucophage stagid diamicron januvia lantus levemir
novorapid humalog toujeo tresiba insuline ozempic trulicity victoza glucagen augmentin clamoxyl amoxicilline
orelox rocephine ceftriaxone ciflox oflocet noroxine monuril furadantine flagyl zithromax josacine pyostacine
bactrim fucidine diflucan triflucan daktarin mycostatine fungizone tamiflu valtrex zovirax seresta lexomil xanax
temesta tranxene valium rivotril stilnox imovane noctamide havlane donormyl atarax tercian risperdal haldol
zyprexa abilify xeroquel leponex loxapac deroxat seroplex effexor laroxyl prozac zoloft depakine depakote
tegretol keppra lamictal lyrica neurontin teralithe ritaline concerta methadone subutex suboxone buprenorphine
naloxone nalscue nyxoid aricept ebixa exelon reminyl modopar sinemet stalevo requip sifrol ventoline seretide
symbicort spiriva pulmicort bricanyl atrovent flixotide singulair solupred cortancyl medrol celestene kenacort
diprosone dermoval locapred voltarene ibuprofene advil nurofen profenid ketoprofene zymad uvedose calcidose orocal
cacit fosamax actonel prolia fumafer tardyferon speciafoldine diffu-k kaleorid betadine biseptine dakin
chlorhexidine eosine flammazine urgotul mepilex allevyn tegaderm jelonet aquacel comfeel duoderm algosteril
gardasil prevenar pneumovax revaxis boostrix repevax infanrix hexyon priorix comirnaty spikevax vaxigrip influvac
efluelda beyfortus abrysvo arexvy synagis dexeryl bepanthen adrenaline anapen epipen jext emla xylocaine
lidocaine meopa kalinox hypnovel midazolam propofol ketamine mucomyst fluimucil toplexil helicidine humex actifed
fervex strepsils derinox nasonex avamys xyzall aerius zyrtec polaramine methotrexate imurel cellcept humira
enbrel stelara dupixent duphaston utrogestan leeloo optimizette microval nexplanon mirena norlevo ellaone cytotec
androcur lutenyl luteran provames oestrodose estreva debridat meteospasmyl carbosylane ercefuryl racecadotril
""")

# Eponyms of diseases, scores, signs and devices: capitalised in clinical text, never a person there.
EPONYMS = _words("""
parkinson alzheimer crohn cushing addison basedow hashimoto glasgow norton braden waterlow heimlich trendelenburg
romberg babinski lasegue murphy mcburney apgar silverman guillain barre creutzfeldt jakob turner marfan raynaud
kaposi hodgkin wernicke korsakoff tourette charcot folstein katz lawton karnofsky pugh cockcroft gault epstein
lyme guthrie holter doppler foley gram koch pasteur fowler valsalva epworth morse tinetti borg ramsay wells
ottawa centor mcisaac brugada kawasaki reye lyell quincke horton paget dupuytren duchenne willebrand sjogren
behcet kahler waldenstrom burkitt douglas broca korotkoff hartmann pouteau colles lisfranc chopart mdrd ckd-epi
""")

# Places of the territory and of France that the model may read as people, and institution words.
PLACES = _words("""
toulouse lyon paris marseille bordeaux nantes lille montpellier nice rennes strasbourg grenoble brest limoges
albi castres montauban muret colomiers blagnac tournefeuille balma rodez cahors auch tarbes pau foix carcassonne
narbonne perpignan beziers nimes ales agen villefranche villeneuve villejuif montreuil vincennes valence vienne
orleans tours poitiers angers caen rouen amiens reims metz nancy dijon besancon clermont-ferrand saint-etienne
lourdes figeac millau gaillac lavaur revel
""")

# Words that follow a title without being a name (« le docteur traitant », « Madame la directrice »).
NOT_A_NAME_AFTER_TITLE = _words("""
traitant traitante generaliste remplacant remplacante regulateur regulatrice urgentiste referent referente
coordinateur coordinatrice specialiste senior junior interne externe responsable prescripteur prescriptrice
directeur directrice maire president presidente de du des le la les l' d' un une x y z xx xxx et ou qui que
en au aux a est etait sur pour par avec sans dans son sa ses leur leurs ce cet cette on il elle
""")

# Words that introduce an eponym (« maladie de Parkinson », « score de Glasgow »).
EPONYM_CONTEXT = ("maladie", "syndrome", "score", "echelle", "signe", "manoeuvre", "test", "methode",
                  "classification", "grille", "protocole", "sonde", "position", "critere", "criteres", "index",
                  "indice", "fracture", "loi", "regle", "formule", "bilan", "pince", "canule")

# Words that introduce a place or an institution (« EHPAD Les Tilleuls », « clinique Pasteur »).
PLACE_CONTEXT = ("ehpad", "residence", "clinique", "pharmacie", "hopital", "centre", "maison", "chu", "ch",
                 "foyer", "cabinet", "msp", "laboratoire", "rue", "avenue", "boulevard", "place", "ville",
                 "commune", "secteur", "quartier")

# Endings of drug names (INN): a single word with one of them that is not a first name is a drug.
DRUG_SUFFIXES = ("cilline", "mycine", "floxacine", "cycline", "parine", "statine", "prazole", "sartan", "pril",
                 "olol", "azepam", "zolam", "azole", "mab", "tidine", "triptan", "setron", "dipine", "tiazide",
                 "semide", "afil", "gliptine", "glitazone", "coxib", "profene", "vir", "caine", "barbital")

def _stop_words() -> frozenset[str]:
    from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH  # a plain word list, no model loaded

    return frozenset(fold(w) for w in FRENCH) | _words("""
        patient patiente patients infirmier infirmiere infirmiers medecin pharmacien pharmacienne kine sage-femme
        aide-soignant aide-soignante famille fille fils epoux epouse conjoint voisin voisine dose doses erreur
        recu recue donne donnee vu vue appele appelee chute retard oubli""")


# French function words and the vocabulary of a declaration: never a surname after a first name or a title.
STOP_WORDS = _stop_words()

# Common nouns that open the programme's labels (categories, places, steps) and so often carry a capital.
LABEL_WORDS = _words("""
medicament medicaments chute chutes infection infections soins prise charge organisation communication transport
materiel dispositif dispositifs vaccination vaccin prescription dispensation administration domicile officine
cabinet hopital clinique laboratoire urgence urgences sortie sorties entree transfert coordination information
identification identite douleur nutrition escarre pansement perfusion injection retard erreur oubli confusion
diagnostic suivi parcours consultation visite tournee pilulier ordonnance evenement evenements action actions
analyse seance compte rendu synthese theme themes professionnel professionnels patient patiente equipe
""")
