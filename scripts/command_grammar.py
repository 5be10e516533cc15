"""Command grammars for Rasa's RegexFeaturizer: writes ``data/nlu/grammar.yml``.

A command is a short, formulaic message ("stop", "can we pause for now please", "show me my
plan"); an answer that merely contains a command word ("stop smoking", "I plan to go back to
college") is not. Each grammar below matches a *whole* short message in the shape of one
command, and Rasa gets one yes/no feature per grammar beside its word and character counts:
the classifier still decides, but a whole-message match is strong evidence. The grammars are
written as phrase structure (lead-in, verb, object, politeness), not lists of training
examples; ``tests/test_command_grammar.py`` checks that none of them matches a free answer in
the training or held-apart data, and that the YAML is up to date with this file.

Run ``python scripts/command_grammar.py`` after changing a grammar.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "data" / "nlu" / "grammar.yml"
# Commands are short; the guard also keeps matching linear on a 100,000-character message.
MAX_LENGTH = 100

POLITE = (
    r"(?:please|pls|plz|thanks|ta|now|then|love|pet|mate|hun|coach|here|for me|right now|thank you)"
)
TAIL = rf"(?:[\s,]+{POLITE})*[\s.!?]*"
LEAD = r"(?:(?:ok|okay|right|so|yes|well|oh|um|erm|just|please|and)[\s,]+)*"
CAN = r"(?:(?:can|could|may|shall|will) (?:we|i|you)(?: please)? |i(?:'d| would) like to |i want to |i wanna |i need to |let'?s |let me |please |we can )?"


def any_of(*alternatives: str) -> str:
    """One group matching any of the alternatives."""
    return "(?:" + "|".join(alternatives) + ")"


def whole(body: str) -> str:
    """A whole short message: optional lead-in ("ok, "), the command, optional politeness."""
    return rf"^(?=.{{1,{MAX_LENGTH}}}$)\W*{LEAD}{body}{TAIL}$"


VOC = r"(?:there|again|all|everyone|you|coach|outcomes coach|love|pet|mate|hun|it's me(?: again)?|me again)"
HOWAREYOU = r"(?:how are (?:you|things)(?: doing| today)?|how'?s it going|how are you doing|you alright|y'?alright|how do you do)"
PATTERNS: dict[str, str] = {}
PATTERNS["greet"] = whole(
    any_of(
        rf"(?:hi+|hiya|hey+|hello+|hullo|hallo|helo|heya|heyy|howdy|greetings|good (?:morning|mornin|moring|afternoon|evening)|g(?:oo|u)d morning|goo+d morning|morning|mornin|afternoon|evening|evenin|alright|ay up|ey ?up|hey up|how ?do|'?ow do|now then|well hello|oh hello)(?:[\s,!]+(?:hi|hiya|hello|hey|good (?:morning|afternoon|evening)|morning|{VOC}|{HOWAREYOU}))*",
        HOWAREYOU,
        r"(?:hello,? )?(?:is )?(?:anyone|anybody) there",
        r"(?:hi,? )?it'?s me(?: again)?",
        r"hi,? is this the coach",
    )
)
PATTERNS["start"] = whole(
    CAN
    + any_of(
        r"(?:start|begin|stat|strt|begn|statr|strat|startt)(?: (?:it|now|the (?:questions|chat|session|check in|conversation|coaching)|my outcomes|asking(?: me)?))*",
        r"(?:get|make a|kick) (?:started|going|start|off|cracking)(?: then)?",
        r"get (?:this|the ball) (?:started|going|rolling)",
        r"(?:crack|get) on(?: with it)?",
        r"do this",
        r"go(?: then)?",
        r"have a go",
        r"off we go",
        r"fire away",
        r"ask away",
        r"(?:i'?m |all |i am )?(?:ready|set)(?: now| when you are| to (?:go|start|begin|crack on|get started|carry on)| for the questions| steady go)?(?:,? (?:let'?s go|ask me|start))?",
        r"ask (?:me|your questions|me your questions)(?: then| now)?",
        r"you can (?:start|begin|ask me now)",
        r"you go first",
        r"(?:start|begin)(?: the| asking)? questions",
    )
)
PATTERNS["affirm"] = whole(
    any_of(
        r"(?:yes+|yeah|yea|yep|yup|aye|ye|yeh|yah|yas|yse|yeap|sure|ok|okay|okey|k|of course|definitely|absolutely|certainly|indeed|correct|true|agreed|perfect|great|brilliant|grand|lovely|fine|exactly|spot on|dead right|too right|right you are|okey dokey|okie dokie)(?:[\s,]+(?:yes|please|do|thanks|thank you|sure|indeed|thing|definitely|absolutely|of course|certainly|go on|that'?s (?:it|right|correct|fine|grand|lovely|true|spot on)|it is|it'?s right|correct|fine|fine by me|lovely|perfect|great|brilliant|ok|okay|keep (?:it|that)|that works|that'?ll do|exactly|right|then|it is|i agree|i'?m happy with that|you'?ve got it(?: right)?|love|pet|ta))*",
        r"(?:that'?s|that is|thats) (?:it|right|correct|fine|true|grand|lovely|great|perfect|spot on|it exactly)(?: yes)?",
        r"(?:that|it) (?:works|reads right|'?ll do|will do)(?: for me)?",
        r"works for me",
        r"looks (?:good|right|fine)",
        r"keep (?:it|that)(?: as it is)?",
        r"(?:i'?m |im )?happy with that",
        r"i agree",
        r"it is(?: yes)?",
        r"you(?:'ve)? got it(?: right)?",
        r"go on(?: then)?",
        r"exactly right",
        r"yes,? keep it",
    )
)
NEGTAIL = r"(?:[\s,]+(?:no|not|thanks|thank you|thank u|ta|sorry|that'?s (?:wrong|not (?:it|right|correct))|not (?:quite|exactly|right|that(?: one)?|really)|it isn'?t|it'?s not|wrong|mate|love|way|chance|at all))*"
PATTERNS["deny"] = whole(
    any_of(
        rf"(?:no+|nope|nah|naw|nae|nay|nop|negative)(?: no+| nope| nah)*{NEGTAIL}(?:[\s,]+.{{0,0}})?",
        r"(?:no,? |nope,? |nah,? )?(?:that'?s|that is|thats|it'?s|it is) (?:not|n't)? ?(?:wrong|incorrect|not (?:it|right|correct|true|me|quite right|what i (?:said|meant)|how it is)(?: at all)?)(?:,? no)?",
        r"(?:no,? )?(?:that|it) isn'?t (?:right|it|what i said)",
        r"(?:not|n't) (?:quite|exactly|right|correct|true|that|really|like that|what i meant|even close)(?: right| one| at all| no)?(?:,? no)?",
        r"(?:no,? )?(?:wrong|incorrect)(?: one| wrong|,? try again|,? no)?",
        r"(?:i )?(?:don'?t|do not) (?:think so|agree)",
        r"(?:i )?disagree",
        r"(?:absolutely|definitely|certainly|of course) not",
        r"no (?:way|chance)",
        r"(?:no,? )?(?:please )?don'?t(?: keep (?:it|that)| do that)?",
        r"(?:no,? )?(?:scrap|bin) (?:it|that)",
        r"(?:no,? )?you'?ve (?:got it wrong|misunderstood)",
        r"you got it wrong",
        r"(?:no,? )?i (?:didn'?t|never) say that",
        r"no,? (?:leave it|drop it|try again|i disagree)",
    )
)
PATTERNS["help"] = whole(
    CAN
    + any_of(
        r"(?:help|hlep|halp|hepl|hlp|hellp|helpp)(?: me)?(?: out)?(?:,? i'?m stuck)?",
        r"(?:i )?need (?:some )?help(?: using this)?",
        r"(?:give us|give me|need) a hand",
        r"what (?:can|do) you (?:do|help with)",
        r"how (?:does|do) (?:this|it)(?: all)? work(?: then)?",
        r"(?:tell me|explain) how this works",
        r"(?:i'?m |im |so |i'?m a bit |totally )?(?:confused|lost|stuck)(?: here| what to do)?",
        r"(?:this is )?confusing",
        r"what (?:do|should|can|am) i (?:do|meant to do|supposed to (?:do|say)|type|say|put|have to do)(?: now| next| here)?",
        r"what (?:happens|now|'?s next)(?: now| next| then)?",
        r"what now(?: then)?",
        r"what (?:is this|'?s this|s this)(?: for| about)?",
        r"whats this for",
        r"what are (?:my |the )?options",
        r"(?:show me )?(?:the )?options",
        r"(?:show )?menu",
        r"commands",
        r"what commands are there",
        r"instructions",
        r"(?:i )?(?:don'?t|dont|do not) (?:understand|get it|follow|know what (?:you mean|to (?:do|put|say)(?: here)?))(?: the question)?",
        r"(?:i'?m )?not (?:sure what (?:you mean|to do|you want)|following)",
        r"(?:can you )?explain(?: it| that| this| the question| what to do)?",
        r"(?:can you )?(?:say that again|repeat (?:that|the question))",
        r"what was the question",
        r"pardon",
        r"sorry what",
        r"eh",
        r"what",
        r"what (?:do|d'?) ?you mean",
        r"what does (?:that|that question) mean",
        r"how do i (?:use (?:this|you)|answer(?: this)?|get out of this)",
        r"what do you (?:want|need) from me",
        r"what (?:are|is) (?:you|it) asking(?: me)?",
        r"what are you for",
        r"what'?s the point of this",
        r"what do you want me to say",
    )
)
PATTERNS["pause"] = whole(
    CAN
    + any_of(
        r"(?:pause|paus|pasue|pauze|puase|pase)(?: (?:it|this|the chat|now|here|for (?:now|a bit|a minute)|a minute|and come back))*",
        r"(?:take|have|need|want|i need|i want|can i have|can i take|can we take|can we have) (?:a )?(?:break|rest|breather|minute|moment|sec|five minutes|few minutes)(?: now| please)?",
        r"(?:i )?need a (?:break|rest|breather|minute)(?: now)?",
        r"break please",
        r"(?:hold|hang) on(?: a (?:minute|sec))?",
        r"(?:hold it there|wait(?: a (?:minute|sec))?)",
        r"(?:one|give me a|just a) (?:sec|moment|minute|few minutes)",
        r"(?:i'?ll |be )?(?:be )?(?:right )?back(?: (?:later|soon|in (?:five|a bit)))?",
        r"brb",
        r"i'?ll be back",
        r"(?:i'?ll )?(?:come back|carry on|continue|finish|pick (?:this|it)? ?up|do (?:it|the rest)|resume)(?: (?:to (?:it|this))| this| it)?(?: (?:later|tomorrow|another (?:day|time)|next time|on))+",
        r"(?:stop|leave it|leave it there|stop there|stop here|stop for a bit|finish)(?: (?:for (?:now|today|a bit)|here|there))+",
        r"(?:another (?:day|time)|later(?: on)?)",
        r"to be continued",
        r"save (?:it|this|and come back)(?: for)? ?(?:later)?",
        r"enough for now",
        r"(?:i'?m )?too tired(?: now| to carry on)?",
        r"(?:someone'?s at the door|i'?ve got to go),? (?:hang on|can we finish later)",
    )
)
PATTERNS["stop"] = whole(
    CAN
    + any_of(
        r"(?:stop+|stpo|sotp|quit+|qiut|exit+|cancel|cancle|abort|end|finish|leave|log out)(?: (?:it|this|that|all this|everything|the (?:chat|session|conversation|questions)|chat|session|asking(?: me(?: (?:questions|things))?)?|talking|right now|stop|it all|this chat))*(?:,? i'?ve had enough)?",
        r"(?:i )?(?:want to|wanna) (?:stop|quit|leave|end|finish|out)(?: (?:it|this|the (?:chat|conversation)))?",
        r"i quit(?: this)?",
        r"i'?m quitting",
        r"(?:that'?s |thats )?enough(?: now| questions| of this)?",
        r"(?:i'?ve |ive )had enough(?: of this)?",
        r"no more(?: (?:questions|of this))?",
        r"(?:i'?m |im |we'?re |we are )?(?:done|finished)(?: (?:now|with this(?: now)?))?",
        r"i (?:don'?t|dont) want to (?:do this|continue|carry on|answer any more)(?: anymore| with this)?",
        r"(?:i'?m )?not doing this(?: anymore)?",
        r"don'?t want to do this",
        r"(?:i )?give up",
        r"pack (?:it|this) in",
        r"leave me alone",
        r"(?:let|get) me out",
        r"i want out",
        r"just stop(?: it)?",
        r"(?:stop|end|quit|cancel|exit)(?: the)? (?:chat|session|conversation)(?: now| please)?",
    )
)
BYE = r"(?:bye+|bye bye|goodbye?|good ?bye|gudbye|cheerio|ta[- ]?ra|tarra|tara|tata|toodle[- ]?(?:oo|pip)|toodles|ttfn|cya|laters|night(?: night)?|nite|nighty night|good ?night|take care|see (?:you|ya)(?: (?:later|soon|tomorrow|again|next time))?|cu later|catch (?:you|ya) (?:later|soon)|(?:speak|talk)(?: to you)? (?:soon|later|tomorrow)|until next time|till next time)"
THANKS = r"(?:thanks|thank you|ta|cheers|thanks very much|thank you very much)(?: for (?:your (?:help|time)|the chat|listening))?"
PATTERNS["goodbye"] = whole(
    any_of(
        rf"(?:(?:ok(?:ay)?|right|all done|that'?s all|i'?m off(?: now)?|off now|gotta go|i have to go now|i'?ll go now|i'?m going now|that'?s all for today)[\s,]+)?(?:{THANKS}[\s,]+(?:and )?)?{BYE}(?:[\s,]+(?:and )?(?:{BYE}|{THANKS}|then|now|for now|love|coach|take care|have a good night))*",
        r"(?:thanks|thank you) for (?:your (?:help|time)|the chat|listening)",
        r"that'?s (?:all|everything|me)(?: for today)?(?:[\s,]+(?:thanks|thank you|then))?",
        r"thats (?:all|me)(?: thanks)?",
        r"(?:lovely chatting|nice talking to you|have a good night)",
        r"(?:got to|must) go",
    )
)
PATTERNS["skip"] = whole(
    CAN
    + any_of(
        r"skip(?: (?:it|this|that|this one|that one|this question|that question|for now))?",
        r"(?:the )?next(?: (?:one|question))?",
        r"move on(?: to the next (?:one|question))?",
        r"go on to the next (?:one|question)",
        r"(?:go to|can we go to) the next (?:one|question)",
        r"pass(?: on (?:this|that)(?: one)?)?",
        r"(?:i'?d )?(?:rather|prefer) not (?:say|answer(?: that)?)",
        r"i'?d prefer not to say",
        r"prefer not to say",
        r"(?:i )?(?:don'?t|do not) want to answer (?:that|this)(?: one)?",
        r"not answering that(?: one)?",
        r"another question",
        r"i'?ll (?:skip|pass on) that(?: one)?",
        r"i'?d (?:rather|like to) skip(?: this)?",
        r"rather not answer that",
    )
)
PATTERNS["resume"] = whole(
    CAN
    + any_of(
        r"(?:resume|carry on|continue|keep going|pick (?:it|this)? ?up(?: again)?)(?: (?:the chat|now|from|where|please))*(?: (?:where|from where) (?:we|i) (?:left off|stopped|were))?",
        r"where (?:were we|did we get to|were we up to)",
        r"(?:i'?m )?back(?: now| again)?(?:,? (?:let'?s )?(?:carry on|continue))?",
        r"(?:i'?m )?back and ready to carry on",
        r"ready to (?:carry on|continue)",
        r"pick up where we (?:left off|were)",
        r"finish off(?: the questions| where we left off)",
    )
)
PATTERNS["reword"] = whole(
    CAN
    + any_of(
        r"(?:change|reword|rewrd|rewod|rephrase|rewrite|edit|edt|amend|tweak|alter|chnage|fix)(?: (?:it|that|the (?:words|wording|sentence|goal|phrasing)|th words|a few words|some words|the wording))?",
        r"(?:put|say|word|phrase) it (?:differently|my way|another way|in my own words)",
        r"(?:write|type|word) (?:it|my own)(?: myself| my way)?",
        r"i'?(?:d|ll) (?:say it|put it|word it) (?:differently|another way|myself)",
        r"(?:in|use|want) my own words",
        r"put it in my own words",
        r"(?:that'?s |thats )?not how i'?d (?:say|put) it",
        r"i wouldn'?t (?:put|say) it like that",
        r"(?:use )?different words",
        r"the (?:wording'?s|wording is|words aren'?t) (?:not right|off|quite right)",
        r"can i say it another way",
    )
)
PATTERNS["plan"] = whole(
    CAN
    + any_of(
        r"(?:see|show|send|get|give|view|download|email|print|read)(?: me)? (?:a )?(?:copy of )?(?:my|the) (?:plan|outcomes)(?: as a pdf| please)?",
        r"(?:my|the) plan(?: please| pls)?",
        r"plan(?: pls)?",
        r"(?:a )?copy of (?:my|the) plan(?: pls)?",
        r"(?:a )?pdf(?: of my plan)?",
        r"(?:look at|have|get) (?:a copy of )?(?:my|the) plan",
        r"(?:have|get) a copy(?: of it)?",
        r"(?:print|download|export) (?:it|my plan)(?: off| out)?",
        r"(?:see|show me|read) (?:the )?(?:summary|what you'?ve (?:written|got)(?: down)?)",
        r"what are my outcomes",
        r"where'?s my plan",
        r"wheres my plan",
    )
)
PATTERNS["share"] = whole(
    CAN
    + any_of(
        r"(?:share|shar|sahre)(?: (?:it|my plan|the plan|my outcomes))?(?: with (?:my )?(?:social |support )?worker| with my (?:occupational therapist|ot|carer))?",
        r"(?:get|give|send)(?: me)? (?:a |the )?(?:share )?code(?: for my (?:social )?worker)?",
        r"(?:share )?code(?: please)?",
        r"(?:let|give) my (?:social |support )?worker (?:see|access to) (?:it|my plan)",
    )
)
PATTERNS["unshare"] = whole(
    CAN
    + any_of(
        r"(?:unshare|unshar|stop shar(?:ing|eing)|cancel sharing|end sharing|turn off sharing|switch sharing off)(?: (?:it|my plan|the plan|now))?(?: with my (?:social )?worker)?",
        r"(?:cancel|revoke|kill|delete|remove|get rid of|take back|withdraw) (?:the |my )?(?:share )?(?:code|access)(?: for my worker)?",
        r"(?:cancel|revoke|remove|take away) my (?:social )?worker'?s access",
        r"make (?:it|my plan) private(?: again)?",
    )
)
PATTERNS["mydata"] = whole(
    CAN
    + any_of(
        r"(?:see|show|view|download|export|give)(?: me)? (?:all )?(?:my|the) (?:data|information|details|dta)(?: you have)?",
        r"(?:my )?(?:data|dta|information|details|personal data)",
        r"what (?:do|have) (?:you|yuo|u) (?:know|got|stored|kept|saved|hold|have|store|keep|remember|recorded)(?: (?:about|on) me)?(?: then)?",
        r"what (?:data|info|information|details) (?:do|have) you (?:keep|have|hold|got|stored?)(?: (?:about|on) me)?",
        r"what'?s (?:stored|saved|recorded) about me",
        r"(?:a )?copy of my data",
        r"subject access request",
        r"show me (?:everything|what) you(?:'ve)? (?:got|stored|keep)(?: on me| about me)?",
    )
)
PATTERNS["delete"] = whole(
    CAN
    + any_of(
        r"(?:delete|deleet|delte|erase|wipe|remove|clear|destroy|bin) (?:all )?(?:(?:of )?(?:it|everything|my (?:data|answers|details|account|information|plan and everything)|me|all))(?: (?:about|on) me| you have on me| you'?ve got on me| from the system)?",
        r"delete(?: it all)?",
        r"forget (?:me|about me|everything(?: about me)?|my answers|what i said)",
        r"(?:i want to be forgotten|right to be forgotten)",
        r"i want (?:my data|everything) (?:deleted|erased)",
        r"i want you to forget me",
        r"get rid of (?:my data|everything)",
    )
)
PATTERNS["practice"] = whole(
    CAN
    + any_of(
        r"(?:practi[cs]e|practis)(?: (?:mode|a conversation|my (?:skills|oars|listening skills)|open questions|reflections|reflective listening|with a (?:persona|pretend person|made up person)))?",
        r"(?:go into|switch to|start) practi[cs]e mode",
        r"(?:do )?(?:a )?role ?play",
        r"training(?: mode)?",
        r"i'?d like (?:some )?practice",
    )
)
PATTERNS["end"] = whole(
    CAN
    + any_of(
        r"(?:end|finish|stop|wrap up)(?: the)? (?:practi[cs]e|practi[cs]ing|role ?play)(?: now)?(?:,? (?:and )?(?:score me|give me (?:my )?(?:feedback|score)))?",
        r"(?:give me |show me |can i (?:have|see) )?(?:my )?(?:scorecard|score|feedback)",
        r"i'?(?:m|ve) (?:done|finished) (?:with the )?(?:practi[cs]ing|practi[cs]e|role ?play)",
        r"(?:score|mark) me",
        r"how did i do(?: then)?",
        r"what(?:'s| did i) (?:my )?score",
        r"practi[cs]e over",
        r"end (?:it|and) (?:and )?(?:score me|give me feedback)",
    )
)
NUDGE = r"(?:the )?(?:coaching )?(?:nudges|tips|hints)"
PATTERNS["nudges"] = whole(
    CAN
    + any_of(
        rf"{NUDGE}(?: (?:on|off|back on))?",
        rf"(?:turn|switch|put) {NUDGE} (?:on|off|back on)",
        rf"(?:turn|switch) (?:on|off) {NUDGE}",
        rf"(?:no|no more|stop|stop the|stop giving me|i don'?t want|give me|i want|i'?d like|have) {NUDGE}(?: again| back)?",
        r"(?:don'?t|stop) nudg(?:e|ing) me",
        rf"(?:can i have )?{NUDGE} back(?: on)?",
    )
)
PATTERNS["progress"] = whole(
    CAN
    + any_of(
        r"progress",
        r"(?:show |see )?(?:me )?(?:my |all my )?(?:practi[cs]e (?:progress|history|scores)|scores(?: so far| over time)?)",
        r"(?:am i|have i) (?:improv(?:ed|ing)|getting (?:any )?better)(?: at (?:this|practising|open questions))?",
        r"compare (?:my )?(?:practices|scores)(?: over time)?",
        r"how (?:have|are) my (?:scores|practices|reflections) (?:changed|gone|going|improved|getting on)",
        r"(?:have|are) my (?:scores|reflections) (?:gone up|getting better|improved)",
    )
)
SELF = r"(?:it'?s |its |this is |just )?(?:for )?(?:me|myself)(?: please)?"
CARER = r"(?:i'?m |im |i am )?(?:an? |the )?(?:unpaid |young |family |main )?carer(?:'?s assessment)?(?: for (?:my )?\w+)?"
WORKER = r"(?:i'?m |im |i am )?(?:an? |her |his |their |the )?(?:support |social |key )?worker(?: filling this in with someone i support| doing this with someone)?"
PRONOUN = r"(?:use )?(?:she|he|they|her|him|them)(?:/(?:her|him|them))?(?: please)?"
PATTERNS["choose"] = whole(
    any_of(
        SELF,
        r"(?:for )?my own assessment",
        r"i'?m doing it for myself",
        r"it'?s about me",
        CARER,
        r"(?:it'?s a )?carers? assessment",
        r"i (?:look after|care for) my \w+",
        WORKER,
        r"(?:i'?m )?(?:helping|filling it in with|doing it with|here with) (?:someone|my client|a person i support|someone i support)(?: fill it in)?",
        r"(?:on behalf of|for) someone else",
        PRONOUN,
    )
)
REVIEW = r"(?:my |the )?(?:plan|outcomes|goals|progress)"
PATTERNS["review"] = whole(
    CAN
    + any_of(
        r"(?:a )?(?:review|reviw|revew)(?: (?:please|time|now|my (?:plan|outcomes|goals)|things|what matters to me))?",
        r"(?:do|have) (?:a |the )?(?:review|check in)(?: of my plan| now)?",
        rf"(?:check|rate|mark|update|revisit|go (?:over|through|back over)|look (?:again at|back at|over)|catch up on|review) {REVIEW}(?: again| with me| please)*",
        r"(?:see|check) how (?:i'?m getting on|things are going|close i am(?: now| to my goals)?|far i'?ve come)",
        r"how (?:am i|are things) (?:getting on|doing|going)(?: with (?:my plan|my goals))?",
        r"how'?s my plan going",
        r"progress check",
        r"time (?:for a review|to see how it'?s going)",
        r"how far have i got",
    )
)
PATTERNS["start_again"] = whole(
    CAN
    + any_of(
        r"(?:start|begin|strat|do (?:it|the questions|it all)|redo (?:it|the whole (?:thing|lot))|start (?:it|the whole thing)|go back) (?:all )?(?:over|again|afresh|from (?:the (?:beginning|start|top)|scratch)|to (?:the (?:beginning|start)|question one|the first question))(?: (?:again|from (?:the (?:beginning|start)|scratch)))?",
        r"start agian",
        r"restart|restrat|reset",
        r"(?:restart|reset)(?: (?:it|it all|everything|the (?:chat|questions|whole thing)|from the beginning))?(?: and start (?:again|over))?",
        r"(?:back to|from) (?:the (?:start|top)|scratch|the first question)",
        r"start a new (?:session|one)",
        r"(?:scrap|wipe) (?:this|it all|my answers) and start (?:again|from scratch)",
    )
)


# --- broader phrasings for the commands people word in many ways ---------------------------
WORKER_NOUN = r"(?:my |the |a )?(?:social |support |key )?(?:worker|care coordinator|coordinator|nurse|assessor|ot|occupational therapist|council)"
COPY_OF = r"(?:a copy|it|my plan|the plan(?: we made)?|what (?:we'?ve|you'?ve) (?:written|done|got)(?: down)?)"
PATTERNS["plan"] = any_of(
    PATTERNS["plan"],
    whole(
        CAN
        + any_of(
            rf"(?:send|give|get|show|read)(?: me)? {COPY_OF}(?: (?:back|out|to (?:me|my (?:email|phone))|to keep|for myself|as a pdf))*(?: to me)?",
            rf"(?:read)(?: me)? (?:back )?{COPY_OF}(?: back| out)?",
            r"(?:i want|i'?d like|can i (?:have|get|take)) a copy(?: (?:of (?:my plan|it|what we'?ve done)|to keep|for myself|to my appointment))*",
            r"what(?:'s| is| have you| did we)? (?:(?:in|on) my plan|written down|got down|write down)(?: so far)?",
            r"what have you (?:written|got) down(?: so far)?",
            r"(?:my |show |view )?pl(?:na|an)",
            r"view (?:my |the )?plan",
            r"(?:can i )?get it as a pdf",
            r"send (?:it|a copy) to my (?:email|phone)",
        )
    ),
)
PATTERNS["share"] = any_of(
    PATTERNS["share"],
    whole(
        CAN
        + any_of(
            rf"(?:share|shre|send|show|pass)(?: it| this| my (?:plan|outcomes)| the plan)?(?: on)? (?:with|wiht|to) {WORKER_NOUN}(?: so (?:she|he|they) can read it)?",
            rf"(?:let|can) {WORKER_NOUN} (?:see|read|access|have a look at) (?:it|this|my plan)",
            rf"(?:give|send|make|get|i need|can i have)(?: me)? (?:a |new )?(?:share )?(?:code|link)(?: (?:for|to|to give) {WORKER_NOUN})?",
            rf"(?:a |new )?code for {WORKER_NOUN}",
            rf"give {WORKER_NOUN} (?:a code|access)",
            rf"how (?:do i|can i) (?:share|send) (?:this|it|my plan)(?: with {WORKER_NOUN})?",
            rf"how (?:can|does) {WORKER_NOUN} (?:get to )?see (?:this|it|my plan)",
            rf"i(?: want|'?d like) {WORKER_NOUN} to see (?:it|this|my plan)",
            rf"i want to (?:show|share) (?:{WORKER_NOUN} what i wrote|(?:this|it|my plan) with {WORKER_NOUN})",
            rf"{WORKER_NOUN} (?:asked for|wants) a code",
        )
    ),
)
PATTERNS["unshare"] = any_of(
    PATTERNS["unshare"],
    whole(
        CAN
        + any_of(
            rf"(?:i )?(?:don'?t|dont) (?:want|let) {WORKER_NOUN} (?:to )?(?:see|seeing) (?:it|my plan)(?: any ?more)?",
            rf"(?:stop|block) {WORKER_NOUN} (?:from )?seeing (?:it|my plan)",
            rf"{WORKER_NOUN} shouldn'?t see it any ?more",
            r"(?:i )?(?:don'?t|dont) (?:want to )?share (?:it|my plan)(?: any ?more)?",
            r"no more sharing",
            r"(?:i )?(?:don'?t|dont) want (?:it|my plan) shared(?: any ?more| now)?",
            r"i'?ve changed my mind about sharing",
            r"keep it private(?: from now on)?",
        )
    ),
)
PATTERNS["mydata"] = any_of(
    PATTERNS["mydata"],
    whole(
        CAN
        + any_of(
            r"(?:can i see |show me )?what (?:you'?ve|you have|have you) got (?:on|about|on file for) me",
            r"(?:do|have) you (?:keep|kept|save|saved|store|stored) my (?:messages|answers)",
            r"are my answers (?:saved|kept|stored)",
            r"(?:who can see|where is|how long do you keep) my data(?: kept)?",
            r"what happens to my data",
            r"what are you keeping about me",
        )
    ),
)
PATTERNS["delete"] = any_of(
    PATTERNS["delete"],
    whole(
        CAN
        + any_of(
            r"(?:wipe|delete|erase|remove) it all",
            r"(?:close|delete) my account(?: and delete it)?",
            r"get rid of everything(?: you'?ve got on me)?",
            r"(?:delete|forget|erase) (?:everything |what )?i(?:'ve)? told you",
        )
    ),
)
PRACTISING = r"(?:my (?:oars|listening)(?: skills)?|my skills|motivational interviewing|asking about outcomes|a role ?play|a conversation(?: with a (?:pretend|made up) person)?|open questions|reflections)"
PATTERNS["practice"] = any_of(
    PATTERNS["practice"],
    whole(
        CAN
        + any_of(
            rf"i'?m (?:a |an )?(?:student|trainee|learner)(?: social worker| support worker)?(?: and (?:i )?(?:want|need) to practi[cs]e(?: {PRACTISING})?)?",
            r"i'?m (?:a |an )?(?:social work student|trainee social worker|student social worker|support worker and want to practi[cs]e my skills)",
            r"i'?m (?:on placement|training to be a social worker)(?: and want some practice)?",
            rf"practi[cs]e {PRACTISING}",
            r"give me a persona(?: to practi[cs]e on)?",
            r"(?:have a go at )?be(?:ing)? the (?:worker|practitioner)(?: and you be the person)?",
        )
    ),
)
PATTERNS["review"] = any_of(
    PATTERNS["review"],
    whole(
        CAN
        + any_of(
            r"(?:look|go) (?:again at|back at|back over|over) (?:my plan|what matters to me|what we agreed|it|how (?:it went|things have gone))(?: again)?",
            r"look at my plan again",
            r"go over (?:my plan|what matters to me|it) again",
            r"(?:rate|score|say|update|see|review) how (?:i'?m (?:doing|getting on)(?: with my goals)?|it'?s going(?: now)?|close i am|it went|things are going)",
            r"check in on my plan",
            r"(?:a )?review of my plan",
            r"update my plan with how it went",
            r"has anything changed,? can we review",
            r"revisit what i said mattered",
        )
    ),
)


GRAMMARS: dict[str, str] = dict(PATTERNS)


def compiled() -> dict[str, re.Pattern[str]]:
    """Each intent's grammar, compiled as Rasa uses it (case-insensitive)."""
    return {intent: re.compile(pattern, re.IGNORECASE) for intent, pattern in GRAMMARS.items()}


def render() -> str:
    """The grammar file Rasa reads: one regex feature per command intent."""
    lines = [
        "# Generated by scripts/command_grammar.py: edit that file, then run it.",
        'version: "3.1"',
        "nlu:",
    ]
    for intent, pattern in GRAMMARS.items():
        lines += [f"- regex: command_{intent}", "  examples: |", f"    - {pattern}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUTPUT.write_text(render())
    print(f"wrote {OUTPUT} ({len(GRAMMARS)} grammars)", file=sys.stderr)
