"""Strengths, skills and resources the person mentions (the "A" of OARS: notice strengths).

``find_strengths`` returns short exact stretches of the person's text: people who support
them, faith and community, pets, skills and past roles, what they still do or manage, and
coping and determination. Problems are not strengths: "my daughter can't help any more" or
"no family nearby" give nothing. Everything is regular expressions compiled once at import;
a three-sentence answer takes well under a millisecond.

``strength_kind`` tells what sort of strength a stretch is, so an affirmation can be specific.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from bot.coaching.contracts import Span

MAX_WORDS = 10  # a clause at most
_A = "['’]"  # straight or curly apostrophe


def _alt(*words: str) -> str:
    """A non-capturing alternation, longest first; spaces match any whitespace."""
    ordered = sorted({w for group in words for w in group.split("|")}, key=len, reverse=True)
    return "(?:" + "|".join(w.replace(" ", r"\s+").replace("'", _A) for w in ordered) + ")"


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- lexicons ---------------------------------------------------------------------------------

_RELATIONS = (
    "daughter|daughters|son|sons|wife|husband|partner|girlfriend|boyfriend|fiance|fiancee|"
    "mum|mam|mom|mummy|mother|dad|father|daddy|parents|stepmum|stepdad|"
    "gran|granny|nan|nana|nanna|grandma|grandmother|grandad|granddad|grandpa|grandfather|"
    "grandparents|grandkids|grandchildren|grandson|grandsons|granddaughter|granddaughters|"
    "sister|sisters|brother|brothers|sibling|siblings|cousin|cousins|aunt|aunts|auntie|"
    "aunty|uncle|uncles|niece|nieces|nephew|nephews|kids|children|bairns|weans|family|"
    "in-laws|son-in-law|daughter-in-law|friend|friends|pal|pals|mate|mates|buddy|neighbour|"
    "neighbours|sponsor|godmother|godfather|flatmate|housemate|lodger|church family"
)
_PLURAL_RELATIONS = _wordset(
    "daughters sons parents grandparents grandkids grandchildren grandsons granddaughters "
    "sisters brothers siblings cousins aunts uncles nieces nephews kids children bairns weans "
    "in-laws friends pals mates neighbours folk people guys lads girls ladies women men "
    "members dogs cats birds pets"
)
_FAITH = (
    "faith|church|chapel|kirk|mosque|temple|gurdwara|synagogue|religion|beliefs|prayers|"
    "congregation|parish|choir|church family|prayer group|bible study|faith community"
)
_PETS = (
    "dog|dogs|cat|cats|puppy|pup|kitten|budgie|parrot|bird|birds|rabbit|bunny|hamster|horse|"
    "pony|fish|guinea pig|guinea pigs|tortoise|pet|pets"
)
_ADJ = "little|big|older|younger|elder|eldest|youngest|oldest|twin|best|lovely|wee|dear|old|new"
_GOOD = (
    "good|great|lovely|brilliant|kind|close|wonderful|fantastic|supportive|amazing|loyal|fab|"
    "nice|decent|caring|helpful|true|dear|old"
)
_NUM = (
    r"(?:\d+|a\s+few|a\s+couple\s+of|several|many|a\s+lot\s+of|donkey['’]s|"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|"
    r"five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
    r"(?:\s+odd|\s+plus)?"
)
_ROLES = (
    "nurse|staff nurse|district nurse|psychiatric nurse|nursery nurse|midwife|health visitor|"
    "cook|chef|baker|butcher|caterer|dinner lady|teacher|headteacher|head teacher|lecturer|"
    "teaching assistant|classroom assistant|classroom helper|childminder|nanny|joiner|"
    "carpenter|plumber|electrician|builder|bricklayer|plasterer|roofer|glazier|painter|"
    "decorator|painter and decorator|welder|fitter|mechanic|engineer|miner|coal miner|"
    "docker|shipbuilder|steelworker|fisherman|farmer|shepherd|gardener|landscaper|"
    "groundsman|soldier|sailor|marine|airman|firefighter|fireman|policeman|policewoman|"
    "police officer|prison officer|postman|postwoman|postie|milkman|bin man|lollipop lady|"
    "lollipop man|driver|bus driver|lorry driver|taxi driver|van driver|train driver|"
    "cleaner|caretaker|janitor|porter|housekeeper|hairdresser|barber|seamstress|tailor|"
    "dressmaker|machinist|secretary|typist|receptionist|clerk|civil servant|bookkeeper|"
    "accountant|bank manager|banker|manager|shop manager|supervisor|foreman|forewoman|"
    "team leader|shop assistant|sales assistant|shopkeeper|publican|landlady|barmaid|"
    "waitress|waiter|carer|care worker|care assistant|home help|support worker|"
    "social worker|auxiliary|nursing auxiliary|paramedic|ambulance driver|doctor|GP|"
    "dentist|pharmacist|physio|physiotherapist|vet|scientist|librarian|lawyer|solicitor|"
    "minister|vicar|priest|youth worker|scout leader|brownie leader|guide leader|coach|"
    "referee|footballer|runner|walker|swimmer|cyclist|climber|dancer|singer|musician|"
    "artist|volunteer|councillor|programmer|designer|foster carer|housewife|homemaker|"
    "shop steward|union rep|rep|sales rep|market trader|grafter|hard worker"
)
_SKILL_VERBS = (
    "cook|bake|drive|read|write|sew|knit|crochet|paint|draw|sing|play|swim|walk|dance|speak|"
    "use|fix|mend|build|make|manage|look after|care for|wash|dress|garden|budget|type|"
    "teach|help|get about|get around|get out|get myself|get to|do my|do the|do all|iron|"
    "shop|grow|sort out|organise|run"
)
_PAST_SKILL_VERBS = (
    "manage|run|teach|cook|bake|sew|knit|crochet|paint|draw|build|fix|make|sing|dance|play|"
    "coach|lead|organise|drive|write|train|nurse|look after|care for|swim|cycle|climb|"
    "volunteer|do all the|do the|keep|grow|work|serve|own|help out|help at|help with"
)
_STILL_VERBS = (
    "do|make|cook|bake|go|get|drive|walk|manage|look after|keep|see|play|read|knit|sew|"
    "enjoy|have|run|take|pay|grow|write|sing|swim|garden|dress|wash|potter|feed|care for|"
    "volunteer|help|visit|attend|love|like|meet|phone|ring|work"
)
_CHORES = (
    "shopping|cooking|washing|cleaning|ironing|housework|garden|gardening|baking|bills|"
    "money|finances|crossword|crosswords|puzzles|exercises|meals|dinner|dinners|tea|soup|"
    "hair|nails|books|accounts|banking|paperwork|knitting|sewing|budgeting|medication|"
    "tablets|meds|personal care|own"
)
# Supportive things people do, said after who they are.
_SUPPORT_PRED = (
    r"(?:\s+(?:always|still|really|also|usually|often|just|regularly|sometimes|even))*\s*"
    r"(?:pop(?:s|ped)?\s+(?:in|round|over|by|up)|com(?:es|e)\s+(?:in|round|over|by|up|to\s+see|"
    r"and\s+see|every|most|twice|three)|(?:is|['’]s|are|['’]re)\s+coming\s+(?:round|over)|"
    r"visits?\b|help(?:s|ed)?\b|(?:phones?|rings?|calls?|texts?|facetimes?)\s+(?:me|every|most|"
    r"daily|each)|checks?\s+(?:in\s+)?on\s+me|keeps?\s+an\s+eye\s+on\s+me|looks?\s+after\s+me|"
    r"takes?\s+me\b|drives?\s+me\b|gives?\s+me\s+(?:a\s+lift|lifts)|does\s+(?:my|the|all\s+my|"
    r"all\s+the)\b|gets?\s+my\b|brings?\s+me\b|cooks?\s+for\s+me|stays?\s+with\s+me|sits?\s+with\s+me|"
    r"keeps?\s+me\s+(?:going|company|sane|right|grounded|busy|laughing)|"
    r"(?:has|have|['’]s|['’]ve)\s+(?:always\s+)?(?:kept|got)\s+me\s+(?:going|through)|"
    r"sorts?\s+(?:out\s+)?(?:my|me|everything|things)|"
    r"lives?\s+(?:nearby|near\s+me|near\s+by|close(?:\s+by)?|round\s+the\s+corner|next\s+door|"
    r"down\s+the\s+(?:road|street|stair)|across\s+the\s+road|up\s+the\s+road|with\s+me|"
    r"in\s+the\s+same\s+(?:street|road|building|village))|"
    r"(?:is|are|['’]s|['’]re|has\s+been|have\s+been)\s+(?:(?:always|really|so|very|just|"
    r"absolutely|such)\s+)*(?:brilliant|great|good|lovely|wonderful|amazing|fantastic|"
    r"marvellous|fab|smashing|champion|gold|golden|a\s+star|a\s+godsend|a\s+gem|a\s+rock|"
    r"my\s+rock|my\s+world|my\s+everything|a\s+(?:(?:real|great|big|good|huge)\s+)?"
    r"(?:help|support|comfort|blessing)|supportive|there\s+for\s+me|always\s+there|"
    r"close\s+by|nearby|round\s+the\s+corner|next\s+door|kind|helpful|devoted|good\s+company|"
    r"a\s+good\s+(?:friend|laugh|listener)|on\s+hand|important\s+to\s+me|everything\s+to\s+me))"
)
# Words after a person that make it a problem, not a resource.
_NEGATIVE_PRED = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:can['’]?t|cannot|can\s+not|won['’]?t|wouldn['’]?t|doesn['’]?t|"
    r"don['’]?t|didn['’]?t|isn['’]?t|aren['’]?t|wasn['’]?t|weren['’]?t|never|no\s+longer|not|"
    r"hardly|rarely|died|dies|passed|lost|left|used\s+to|moved|lives?\s+(?:far|miles|away|"
    r"abroad|in\s+(?-i:[A-Z])\w*)|is\s+in\s+(?-i:[A-Z])\w*|works|working|busy|worries|worried)\b",
    re.IGNORECASE,
)
# A problem word anywhere in a clause stops it being read as a strength.
_PROBLEM = re.compile(
    r"\b(?:can['’]?t|cannot|won['’]?t|don['’]?t|doesn['’]?t|didn['’]?t|isn['’]?t|not|never|no|"
    r"nobody|nothing|pain|pains|hurts?|struggl\w*|worse|fall(?:s|en)?|falling|worr\w*|scared|"
    r"stuck|miss(?:es|ed)?|lonely|depress\w*|anxi\w*|panic|tired|exhausted|ill|poorly|sick|"
    r"dementia|hospital|died|dead|lost|hate|hates|drink(?:ing)?|upset|angry|difficult|hard|"
    r"problem|problems|trouble|without)\b",
    re.IGNORECASE,
)
# Words just before a person that make them an aim, a loss, a worry or someone cared for.
_BEFORE_BLOCK = re.compile(
    r"\b(?:miss|missing|missed|lost|lose|losing|without|want|wants|wanted|like|love|hope|wish|"
    r"need|needs|find|make|worry|worried|about|for|walk|walking|feed|feeding|take|taking|"
    r"since|after|if|than|because|until|promised|told|tell|let|leave|bring|get|getting|help|"
    r"helping|to|with|instead\s+of|died|passed|of)\W*$",
    re.IGNORECASE,
)
# Anywhere earlier in the clause: a wish, a negation or a loss ("I'd love to see my sister").
_CLAUSE_BLOCK = re.compile(
    r"\b(?:to|want|wants|wanted|like|love|hope|wish|need|would|could|can['’]?t|cannot|"
    r"don['’]?t|doesn['’]?t|didn['’]?t|never|no|not|nobody|without|miss\w*|lost|if|when|"
    r"since|used)\b|['’]d\b",
    re.IGNORECASE,
)
# A clause ends at punctuation or at a conjunction that starts a new thought.
_CLAUSE_END = re.compile(
    r"[.;:!?…\n()\"“”]|,|\s[-–—]\s|\s(?:but|because|cos|cause|although|though|except|unless|"
    r"whereas|while|so|or|and\s+(?:i|i['’]m|i['’]ve|we|he|she|they|it|that|this|there|"
    r"then|now|my|the|her|his|their|you|nobody|no\s+one|not))\b",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"[.!?…\n]")
# Words that can open a listing sentence without stopping it being a list ("And my cousin.").
_LIST_OPENERS = re.compile(
    r"^(?:\W*(?:and|just|oh|well|probably|mainly|mostly|definitely|honestly|obviously|also|"
    r"plus|then|really|erm|um|er|hmm|och|aye|yeah|yes|there['’]s|there\s+is|"
    r"there\s+are|that['’]d\s+be|that\s+would\s+be|it['’]s|it\s+would\s+be))*\W*$",
    re.IGNORECASE,
)
# Signs of a verb: a listing ("my key worker, my nan and my dog") has none before the person.
_VERBISH = re.compile(
    r"\b(?:i|i['’]m|i['’]ve|i['’]d|i['’]ll|im|is|are|was|were|be|been|have|has|had|do|does|"
    r"did|want|wants|like|love|see|miss|need|can|could|would|will|won['’]t|can['’]t|get|got|"
    r"go|goes|make|take|keep|\w+ed|\w+n['’]t|\w+['’](?:s|ve|ll|d|re))\b",
    re.IGNORECASE,
)
_NAME_STOP = _wordset(
    "The This That These Those It He She They We I You My Our Your His Her Their Its "
    "Everyone Everybody Everything Nothing Nobody Noone Someone Somebody Something Anyone "
    "Life Work Things Staff Carers Doctors Nurses Social Services Council Money Just But And "
    "So Then Now Today Tomorrow Yesterday Some Most All Home Well Oh Yes No Not Maybe Also "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Christmas Easter God Lord Jesus "
    "Sometimes Usually Always Never Only What When Where Why How Who Which There Here Being "
    "Getting Doing Going Having Feeling Keeping Mostly Mainly Honestly Really Even Still"
)
_NAME = r"(?-i:[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"

# --- patterns -------------------------------------------------------------------------------

_DET = r"(?:my|our|the|his|her|their)"
_PERSON_NP = re.compile(
    rf"\b{_DET}\s+(?:(?:{_ADJ}|step|grown[\s-]up)[\s-]+){{0,2}}"
    rf"(?:{_alt(_RELATIONS)})\b(?:\s+{_NAME}(?:\s+and\s+{_NAME})?)?",
    re.IGNORECASE,
)
_FAITH_NP = re.compile(rf"\b(?:my|our)\s+(?:{_alt(_FAITH)}|local\s+church)\b", re.IGNORECASE)
_PET_NP = re.compile(
    rf"\b(?:my|our|the|his|her)\s+(?:(?:little|old|wee|two|three|lovely|big|new|daft)\s+)?"
    rf"(?:{_alt(_PETS)})\b(?:\s+{_NAME})?",
    re.IGNORECASE,
)
_PET_WORD = re.compile(rf"\b{_alt(_PETS)}\b", re.IGNORECASE)
_GROUP_NP = re.compile(
    rf"\b(?:(?:my|the|our|some|a\s+few|good|all\s+the|all\s+my)\s+)?(?:{_GOOD}\s+)?"
    r"(?:friends|pals|mates|folk|folks|people|ladies|lads|girls|guys|women|men|members|"
    r"neighbours|friend|pal|mate|crowd|gang)\s+(?:from|at|in|down)\s+(?:the\s+|my\s+|our\s+)?"
    r"(?:(?:home|local|walking|knitting|lunch|bowling|golf|football|running|gardening|art|"
    r"craft|book|church|men['’]s|women['’]s|community|day|parish|chapel|social|carers['’]?|"
    r"singing|bingo)\s+)?"
    r"(?:church|chapel|kirk|mosque|temple|gurdwara|synagogue|club|group|choir|centre|center|"
    r"allotments?|pub|bowls|bingo|work|congregation|parish|meetings?|gym|street|road|close|"
    r"estate|village|stair|building|flats|lunch\s+club|shed|hall|library|cafe|café|class)\b",
    re.IGNORECASE,
)
_LOCATIVE = (
    r"(?:,?\s+(?:from\s+)?(?:next\s+door|down\s+the\s+(?:road|street|stair|corridor)|"
    r"across\s+the\s+(?:road|street|landing|hall)|over\s+the\s+road|upstairs|downstairs|"
    r"up\s+the\s+road|round\s+the\s+corner|opposite|at\s+number\s+\d+),?)?"
)
_NAMED_SUPPORT = re.compile(
    rf"(?:\b{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*|\b(?:he|she))(?={_LOCATIVE}{_SUPPORT_PRED})",
    re.IGNORECASE,
)
_SUPPORT_AFTER = re.compile(_LOCATIVE + _SUPPORT_PRED, re.IGNORECASE)
_HAVE_PEOPLE = re.compile(
    r"\b(?:i|we)(?:\s*['’]ve\s+got|\s+have\s+got|\s+have|\s+got)\s+"
    r"(?:(?:a|some|a\s+few|lots\s+of|loads\s+of|a\s+lot\s+of|plenty\s+of|really|very|such|"
    r"two|three|four|five|great|the\s+best)\s+)*"
    rf"(?:(?:{_GOOD})\s+)*(?:{_alt(_RELATIONS, _PETS)}|support(?:\s+network)?|network|"
    r"people\s+(?:around|round)\s+me|folk\s+(?:around|round)\s+me)\b"
    r"(?:\s+(?:nearby|round\s+here|around\s+here|around\s+me|near\s+me|close\s+by|next\s+door|"
    r"who\s+\w+(?:\s+\w+){0,3}))?",
    re.IGNORECASE,
)
_GO_FAITH = re.compile(
    r"\b(?:i|we)\s+(?:still\s+|always\s+|usually\s+|really\s+)?(?:go|get|going)\s+to\s+"
    r"(?:the\s+)?(?:church|chapel|kirk|mass|mosque|temple|gurdwara|synagogue|prayers|"
    r"bible\s+study|choir|meeting)\b",
    re.IGNORECASE,
)
_FAITH_CLAUSE = re.compile(
    r"\b(?:my\s+faith|god|my\s+prayers|prayer|my\s+church)\s+(?:keeps?|kept|gets?|got|helps?|"
    r"helped|gives?|is|has)\s+(?:me\s+)?(?:going|through|strength|a\s+lot|everything|"
    r"important|always|carried)",
    re.IGNORECASE,
)

_ROLE = re.compile(
    r"\bi\s*(?:used\s+to\s+be|was|['’]ve\s+been|have\s+been|worked\s+as|trained\s+as|"
    r"qualified\s+as|retired\s+as|['’]m\s+a\s+retired|am\s+a\s+retired)\s+(?:always\s+)?"
    rf"(?:an?\s+)?(?:(?:qualified|trained|senior|head|staff|keen|proper|good|great|big|"
    rf"school|hospital|ward|sous|pastry|shop|relief|self[\s-]employed|qualified)\s+)?"
    rf"(?:{_alt(_ROLES)})s?\b",
    re.IGNORECASE,
)
_SERVED = re.compile(
    r"\bi\s+(?:was|served|worked)\s+in\s+the\s+(?:army|navy|raf|forces|police|fire\s+service|"
    r"fire\s+brigade|merchant\s+navy|marines|mines|pits|shipyards?|hospital|nhs|mills?)\b",
    re.IGNORECASE,
)
_WORKED_YEARS = re.compile(
    r"\bi\s+(?:worked|taught|nursed|served|ran|managed|drove|cooked|farmed|fished|volunteered|"
    rf"cared)\b[^.!?;,]{{0,50}}?\bfor\s+(?:over\s+|nearly\s+|almost\s+|about\s+)?(?:{_NUM}\s+)?"
    r"(?:years|decades)\b",
    re.IGNORECASE,
)
_USED_TO = re.compile(rf"\bi\s+used\s+to\s+(?:{_alt(_PAST_SKILL_VERBS)})\b", re.IGNORECASE)
_LONG_PRACTICE = re.compile(
    r"\b(?:i|we)\s*(?:['’]ve|\s+have)\s+(?:always\s+|even\s+|actually\s+)?"
    r"(?:made|cooked|baked|done|kept|run|grown|looked\s+after|cared\s+for|worked|taught|sung|"
    r"played|walked|knitted|sewn|painted|volunteered|managed|raised|brought\s+up|coached|led|"
    r"organised|written|been\s+(?:doing|going|making|running|volunteering|walking|swimming|"
    r"singing|playing|cooking|baking|looking\s+after|caring\s+for|married|together|helping))\b"
    rf"[^.!?;,]{{0,50}}?\b(?:for\s+(?:over\s+|nearly\s+|almost\s+|about\s+|)?(?:{_NUM}\s+)?"
    r"(?:years|decades)|all\s+my\s+(?:life|days)|since\s+i\s+was\s+(?:a\s+)?\w+)",
    re.IGNORECASE,
)
_RECOVERY = re.compile(
    r"\bi\s*(?:['’]ve|\s+have)\s+been\s+(?:clean|sober|dry|abstinent|off\s+(?:the\s+)?"
    r"(?:drink|booze|gear|drugs|heroin|alcohol|cigarettes|fags|smoking|bevvy))\s+"
    rf"(?:for\s+)?(?:over\s+|nearly\s+|almost\s+)?(?:{_NUM}|a)\s+(?:days?|weeks?|months?|years?)|"
    rf"\bi\s*(?:['’]m|\s+am)\s+(?:now\s+)?{_NUM}\s+(?:days?|weeks?|months?|years?)\s+"
    r"(?:clean|sober|dry)|"
    r"\bi\s*(?:['’]m|\s+am)\s+(?:now\s+)?(?:clean|sober|dry)\s+(?:for\s+)?(?:over\s+)?"
    rf"(?:{_NUM}|a)\s+(?:days?|weeks?|months?|years?)",
    re.IGNORECASE,
)
_GOOD_AT = re.compile(
    r"\bi\s*(?:['’]m|\s+am)\s+(?:(?:quite|pretty|really|very|so|still|dead|actually)\s+)*"
    r"(?:good|great|brilliant|decent|handy|excellent|not\s+bad|a\s+dab\s+hand|clever|skilled|"
    r"gifted|talented)\s+(?:at|with)\b",
    re.IGNORECASE,
)
_GOOD_ROLE = re.compile(
    r"\bi\s*(?:['’]m|\s+am)\s+(?:(?:quite|pretty|really|very|so|still|actually)\s+)*"
    r"(?:a\s+)?(?:(?:really|very|pretty)\s+)?(?:good|great|decent|keen|brilliant|excellent|"
    r"natural|born)\s+(?:cook|baker|listener|driver|gardener|reader|walker|swimmer|organiser|"
    r"knitter|talker|singer|dancer|artist|painter|mum|dad|mother|father|friend|neighbour|"
    r"problem[\s-]solver|grandparent|gran|granny|grandad|nan|carer|judge\s+of\s+character|"
    r"laugh|people\s+person|team\s+player|worker|learner|teacher|cyclist|runner)\b",
    re.IGNORECASE,
)
_HANDY = re.compile(
    r"\bi\s*(?:['’]m|\s+am)\s+(?:(?:quite|pretty|really|very|so)\s+)?(?:handy|practical|"
    r"good\s+with\s+(?:my\s+hands|people|money|numbers|kids|children|animals|words))\b",
    re.IGNORECASE,
)
_CAN = re.compile(rf"\bi\s+can\s+(?:still\s+|also\s+|even\s+)?(?:{_alt(_SKILL_VERBS)})\b",
                  re.IGNORECASE)  # fmt: skip
_CAN_BLOCK = re.compile(
    r"\b(?:so|then|if|that|when|before|until|hope|wish|want|maybe|where|unless|once|had)\b",
    re.IGNORECASE,
)
_KNOW = re.compile(
    r"\bi\s+(?:do\s+)?know\s+(?:what\s+i\s+(?:like|want|need|['’]m\s+doing|am\s+doing|mean)|"
    r"how\s+to\s+\w+|my\s+own\s+mind|my\s+(?:rights|stuff|limits|own\s+body|body)|"
    r"what\s+works\s+for\s+me|what\s+helps|what['’]s\s+best\s+for\s+(?:me|him|her))"
    r"(?:\s+\w+){0,3}",
    re.IGNORECASE,
)
_STILL = re.compile(rf"\b(?:i|we)\s+(?:still|always)\s+(?:{_alt(_STILL_VERBS)})\b",
                    re.IGNORECASE)  # fmt: skip
_MANAGE = re.compile(
    r"\bi\s*(?:['’]d\s+|\s+(?:still\s+|can\s+|can\s+still\s+|do\s+)?)manage\s+"
    r"(?:(?:my\s+own|my|our|the|all\s+the|all\s+my|fine|okay|ok|well|alright|on\s+my\s+own|"
    r"by\s+myself|most\s+things|everything|pretty\s+well|to)\b)",
    re.IGNORECASE,
)
_DO_OWN = re.compile(
    rf"\bi\s+(?:still\s+|always\s+)?do\s+(?:all\s+)?(?:of\s+)?(?:my|our|the)\s+(?:own\s+)?"
    rf"(?:{_alt(_CHORES)})\b",
    re.IGNORECASE,
)
_KEEP = re.compile(
    r"\bi\s+(?:still\s+|always\s+)?keep\s+(?:(?:my|the|our)\s+(?:\w+\s+){0,2}?"
    r"(?:tidy|clean|nice|lovely|spotless|neat|going|ticking\s+over|in\s+order|straight|"
    r"immaculate|looking\s+nice)|(?:myself\s+)?(?:busy|active|fit|occupied|positive|on\s+top\s+of)|"
    r"my\s+chin\s+up|on\s+top\s+of)",
    re.IGNORECASE,
)
_CARING = re.compile(
    r"\b(?:i\s+promised\s+(?:\w+\s+)?(?:that\s+)?i['’]d\s+|i\s+(?:still\s+|always\s+)?|"
    r"i\s*['’]ve\s+(?:always\s+)?|i\s+have\s+(?:always\s+)?)"
    r"(?:look(?:ed)?\s+after|care(?:d)?\s+for|been\s+looking\s+after|been\s+caring\s+for)\s+"
    r"(?!myself\b)\w+",
    re.IGNORECASE,
)
_COPING = re.compile(
    r"\bi\s*(?:['’]ve|\s+have)\s+(?:got|come|been|pulled|dealt|managed|coped|survived|"
    r"battled|fought)\s+(?:through|with)?\s*(?:worse|a\s+lot|it|this|that|harder|tougher|"
    r"far\s+worse|much\s+worse|everything|plenty|bad\s+times|hard\s+times|a\s+lot\s+worse)\b|"
    r"\bi\s+(?:got|came|pulled)\s+through\s+(?:it|that|worse|this|a\s+lot|the\s+\w+)\b|"
    r"\bi\s*(?:['’]ve|\s+have)\s+survived\b|"
    r"\bi\s+(?:just\s+|still\s+|always\s+)?(?:keep|kept)\s+(?:on\s+)?going\b|"
    r"\bi\s+(?:just\s+|still\s+|always\s+)?(?:carry|carried)\s+on\b|"
    r"\bi\s+(?:just\s+|always\s+)?get\s+on\s+with\s+(?:it|things|life)\b|"
    r"\bi\s+(?:never|don['’]?t|won['’]?t|didn['’]?t|will\s+not|do\s+not)\s+give\s+up\b|"
    r"\bi\s+(?:won['’]?t|don['’]?t|didn['’]?t|never|will\s+not)\s+let\s+(?:it|this|that|them|"
    r"anything|anyone|him|her)\s+(?:beat|stop|get|grind|keep)\s+me(?:\s+down)?\b|"
    r"\bi\s+(?:always\s+|try\s+to\s+|still\s+)?(?:stay|keep|remain)\s+(?:positive|cheerful|"
    r"hopeful|strong|smiling|going|my\s+chin\s+up)\b|"
    r"\bi\s+(?:always\s+|usually\s+|still\s+|somehow\s+)?cope(?:d)?\b(?!\s+with\s+(?:nothing|"
    r"anything))|"
    r"\bi\s+(?:always\s+)?bounce\s+back\b|\bi\s+push\s+(?:myself|through|on)\b",
    re.IGNORECASE,
)
_TRAIT = re.compile(
    r"\bi\s*(?:['’]m|\s+am)\s+(?:(?:very|really|quite|pretty|so|too|a\s+bit|dead|still|"
    r"always\s+been|a\s+very|a\s+really)\s+)*(?:stubborn|determined|a\s+fighter|a\s+survivor|"
    r"tough|strong|resilient|independent|positive|patient|organised|resourceful|"
    r"a\s+(?:strong|tough|determined|independent|positive|stubborn|hard|tough\s+old)\s+"
    r"(?:person|woman|man|lass|lad|cookie|one|boot|bird|nut|worker)|not\s+one\s+to\s+give\s+up|"
    r"not\s+a\s+quitter|not\s+giving\s+up|not\s+going\s+to\s+give\s+up|still\s+here|"
    r"still\s+fighting|still\s+standing|hard[\s-]working|a\s+hard\s+worker|a\s+grafter|"
    r"sociable|good\s+company|caring|kind|clever|bright|creative|a\s+people\s+person|"
    r"stubborn\s+as\s+a\s+mule|a\s+doer|a\s+coper|a\s+planner|a\s+problem[\s-]solver)\b",
    re.IGNORECASE,
)
_QUALITY = re.compile(
    r"\b(?:he|she)\s*(?:['’]s|\s+is)\s+(?:(?:really|very|so|quite|such|ever\s+so|dead)\s+)*"
    r"(?:funny|kind|clever|bright|caring|gentle|determined|strong|loving|sociable|chatty|"
    r"affectionate|talented|brave|cheeky|thoughtful|a\s+(?:(?:good|great|real|lovely|"
    r"brilliant)\s+)?(?:laugh|character|fighter|sweetheart|softie|star|joy|trooper)|"
    r"good\s+(?:fun|company|with\s+\w+|at\s+\w+)|brilliant\s+(?:at|with)\s+\w+|"
    r"great\s+(?:at|with)\s+\w+)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    clause: bool  # extend the match to the end of its clause
    guard: bool  # reject when the clause holds a problem word


_RULES: tuple[_Rule, ...] = (
    _Rule("role", _ROLE, True, False),
    _Rule("role", _SERVED, True, False),
    _Rule("role", _WORKED_YEARS, False, False),
    _Rule("past_skill", _USED_TO, True, True),
    _Rule("practice", _LONG_PRACTICE, False, False),
    _Rule("recovery", _RECOVERY, False, False),
    _Rule("skill", _GOOD_AT, True, False),
    _Rule("skill", _GOOD_ROLE, False, False),
    _Rule("skill", _HANDY, False, False),
    _Rule("skill", _CAN, True, True),
    _Rule("skill", _KNOW, False, False),
    _Rule("still", _STILL, True, True),
    _Rule("still", _MANAGE, True, True),
    _Rule("still", _DO_OWN, True, True),
    _Rule("still", _KEEP, True, False),
    _Rule("caring", _CARING, True, True),
    _Rule("coping", _COPING, True, False),
    _Rule("coping", _TRAIT, False, False),
    _Rule("quality", _QUALITY, True, False),
    _Rule("faith", _GO_FAITH, True, True),
    _Rule("faith", _FAITH_CLAUSE, True, False),
    _Rule("people", _HAVE_PEOPLE, False, False),
)


# --- helpers --------------------------------------------------------------------------------


def _clause_end(text: str, pos: int) -> int:
    found = _CLAUSE_END.search(text, pos)
    return found.start() if found else len(text)


@lru_cache(maxsize=64)
def _boundaries(text: str, sentences_only: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    pattern = _SENTENCE_START if sentences_only else _CLAUSE_END
    found = [(m.start(), m.end()) for m in pattern.finditer(text)]
    return tuple(f[0] for f in found), tuple(f[1] for f in found)


def _start_before(text: str, pos: int, sentences_only: bool) -> int:
    """Where the clause (or sentence) holding ``pos`` begins."""
    starts, ends = _boundaries(text, sentences_only)
    index = bisect_left(starts, pos) - 1
    return min(ends[index], pos) if index >= 0 else 0


def _clause_start(text: str, pos: int) -> int:
    return _start_before(text, pos, False)


def _sentence_start(text: str, pos: int) -> int:
    return _start_before(text, pos, True)


def _cap_words(text: str, start: int, end: int) -> int:
    """Move ``end`` back so the span has at most MAX_WORDS words and no trailing spaces."""
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) > MAX_WORDS:
        end = start + words[MAX_WORDS - 1].end()
    while end > start and text[end - 1] in " \t,;:-–—":
        end -= 1
    return end


def _followed_negative(text: str, end: int) -> bool:
    """A problem follows the person in the same clause: "my daughter can't help any more"."""
    return bool(_NEGATIVE_PRED.match(text[end : min(end + 40, _clause_end(text, end))]))


def _blocked_before(text: str, start: int) -> bool:
    """A wish, loss or negation earlier in the clause: "I'd love to see my sister more"."""
    prefix = text[_clause_start(text, start) : start]
    return bool(_BEFORE_BLOCK.search(prefix) or _CLAUSE_BLOCK.search(prefix))


def _is_listed(text: str, start: int) -> bool:
    """The person opens the sentence, or is one item of a list with no verb before it."""
    prefix = text[_sentence_start(text, start) : start]
    if _LIST_OPENERS.match(prefix):
        return True
    return bool(re.search(r"(?:,|\band|&)\s*$", prefix, re.I)) and not _VERBISH.search(prefix)


def _ends_item(text: str, end: int) -> bool:
    """Nothing but the end of a list item follows: punctuation, "and", "too", end of text."""
    rest = text[end : end + 30]
    return bool(
        re.match(
            r"^\s*(?:$|[.,;:!?…)\-–—]|and\b|&|or\b|too\b|as\s+well\b|now\b|really\b)", rest, re.I
        )  # fmt: skip
    )


def _person_candidates(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for kind, pattern in (("people", _PERSON_NP), ("faith", _FAITH_NP), ("pet", _PET_NP),
                          ("people", _GROUP_NP)):  # fmt: skip
        for match in pattern.finditer(text):
            start, end = match.span()
            # "the neighbours are brilliant" counts; "the family" on its own is too vague
            listed_ok = not (
                pattern is _PERSON_NP and re.match(r"(?i)(?:the|his|her|their)\b", match.group())
            )
            if _followed_negative(text, end):
                continue
            support = _SUPPORT_AFTER.match(text, end)
            if support:
                if not _blocked_before(text, start):
                    found.append((start, _cap_words(text, start, _clause_end(text, end)), kind))
                continue
            if pattern is _GROUP_NP:
                if not _blocked_before(text, start):
                    found.append((start, end, kind))
                continue
            if listed_ok and _is_listed(text, start):
                if _ends_item(text, end):
                    found.append((start, end, kind))
                    continue
                # "My daughter worries …": the person opens a sentence with a verb after;
                # keep them only when nothing in the clause is a problem
                clause = text[end : _clause_end(text, end)]
                if not _PROBLEM.search(clause) and not _followed_negative(text, end):
                    found.append((start, end, kind))
    for match in _NAMED_SUPPORT.finditer(text):
        first = re.match(r"\w+", match.group()).group()
        if first in _NAME_STOP and first.lower() not in ("he", "she"):
            continue
        start, end = match.span()
        if _blocked_before(text, start):
            continue
        support = _SUPPORT_AFTER.match(text, end)
        if support and not _followed_negative(text, end):
            found.append((start, _cap_words(text, start, _clause_end(text, support.end())),
                          "people"))  # fmt: skip
    return found


def _rule_candidates(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for rule in _RULES:
        for match in rule.pattern.finditer(text):
            start, end = match.span()
            if rule.pattern is _CAN and (
                _CAN_BLOCK.search(text[max(0, start - 12) : start] + "\n")
                or _CAN_BLOCK.search(text[_clause_start(text, start) : start])
            ):
                continue
            if rule.pattern is _HAVE_PEOPLE and re.search(
                r"\b(?:no|not|never|haven['’]?t|hasn['’]?t|don['’]?t)\b", match.group(), re.I
            ):
                continue
            kind = rule.kind
            if rule.pattern is _HAVE_PEOPLE and _PET_WORD.search(match.group()):
                kind = "pet"
            clause_end = _clause_end(text, end)
            if rule.guard:
                clause_from = _clause_start(text, start)
                if _PROBLEM.search(text[clause_from:clause_end]):
                    continue
            if rule.clause:
                end = max(end, clause_end)
            found.append((start, _cap_words(text, start, end), kind))
    return found


@lru_cache(maxsize=1024)
def _find(text: str) -> tuple[tuple[Span, str], ...]:
    if not text or not re.search(r"[A-Za-z]", text):
        return ()
    candidates = _rule_candidates(text) + _person_candidates(text)
    # Longest first, then earliest; keep those that overlap nothing already kept.
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in candidates:
        if end <= start:
            continue
        if any(start < k_end and k_start < end for k_start, k_end, _ in kept):
            continue
        kept.append((start, end, kind))
    kept.sort()
    seen: set[str] = set()
    out: list[tuple[Span, str]] = []
    for start, end, kind in kept:
        key = re.sub(r"\W+", " ", text[start:end].lower()).strip()
        if key in seen:
            continue
        seen.add(key)
        out.append((Span(text[start:end], start, end), kind))
    return tuple(out)


# --- public API -----------------------------------------------------------------------------


def find_strengths(text: str) -> list[Span]:
    """Strengths, skills and resources the person mentions, in text order.

    Each is a short exact stretch of ``text`` (at most a clause): supportive people, faith
    and community, pets, skills and past roles, what they still do or manage, and coping.
    """
    return [span for span, _ in _find(text or "")]


def strengths_with_kinds(text: str) -> list[tuple[Span, str]]:
    """``find_strengths`` with what sort of strength each one is (see ``strength_kind``)."""
    return list(_find(text or ""))


KINDS = ("role", "past_skill", "practice", "recovery", "skill", "still", "caring", "coping",
         "quality", "faith", "people", "pet")  # fmt: skip


@lru_cache(maxsize=1024)
def strength_kind(span_text: str) -> str | None:
    """What sort of strength a stretch of text is: one of ``KINDS``, or ``None``.

    Works on the stretch alone, so strengths stored earlier can still be affirmed.
    """
    found = _find(span_text)
    if found:
        # the longest stretch decides
        return max(found, key=lambda f: (f[0].end - f[0].start, -f[0].start))[1]
    for kind, pattern in (("faith", _FAITH_NP), ("pet", _PET_NP), ("people", _PERSON_NP),
                          ("people", _GROUP_NP)):  # fmt: skip
        if pattern.search(span_text):
            return kind
    return None


def person_phrase(span_text: str) -> str | None:
    """Who a people/faith/pet strength is about, as it opens the stretch ("My neighbour Jean")."""
    best = ""
    for pattern in (_GROUP_NP, _PERSON_NP, _FAITH_NP, _PET_NP):
        match = pattern.match(span_text)
        if match and len(match.group()) > len(best):
            best = match.group()
    if not best:
        match = re.match(rf"{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*|(?:he|she)\b", span_text, re.I)
        if match and match.group().split()[0] not in _NAME_STOP - {"He", "She"}:
            best = match.group()
    return best or None
