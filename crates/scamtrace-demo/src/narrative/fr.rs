//! French phrasebook (France and Quebec).

use super::{Group, Phrasebook};
use crate::money::Method;

pub(super) const BOOK: Phrasebook = Phrasebook {
    openings: &[
        "Je veux signaler une arnaque.",
        "Bonjour, je crois que je me suis fait arnaquer.",
        "Le {day}, il m'est arrivé quelque chose de bizarre sur mon ordinateur.",
        "J'ai 79 ans et je ne suis pas douée avec l'informatique.",
        "J'écris ceci pour que d'autres ne tombent pas dans le piège.",
        "Hier vers {time}, voici ce qui s'est passé.",
        "J'ai honte, mais je préfère le signaler.",
        "Attention arnaque !",
        "En bref : faux support technique {brand}.",
    ],
    popup: &[
        "Une fenêtre rouge est apparue disant que mon ordinateur était bloqué et qu'il fallait appeler le support {brand} au {phone}.",
        "En naviguant, une alerte {brand} avec une sirène s'est affichée, soi-disant un virus.",
        "L'écran s'est figé avec un message de {brand} disant de ne pas éteindre l'ordinateur.",
        "Un message de sécurité {brand} est apparu avec un numéro à appeler.",
        "Le navigateur est passé en plein écran et une voix répétait d'appeler le {phone}.",
    ],
    phone_call: &[
        "Un homme m'a appelé en disant qu'il travaillait pour {brand} et que mon ordinateur envoyait des virus.",
        "J'ai reçu un appel du {phone}, soi-disant de chez {brand}.",
        "Un message enregistré parlait d'un achat suspect sur mon compte {brand}.",
        "On m'a appelé pour me dire que ma licence {brand} avait expiré.",
        "Une femme du soi-disant service fraude de {brand} m'a appelée.",
    ],
    email: &[
        "J'ai reçu un mail disant que mon abonnement {brand} de {price} avait été renouvelé.",
        "Une facture {brand} est arrivée par mail pour un achat que je n'ai jamais fait.",
        "Un courriel qui ressemblait à {brand} disait que mon compte était suspendu.",
    ],
    sms: &[
        "J'ai reçu un SMS parlant d'un achat suspect sur mon compte {brand}.",
        "Un texto disait que mon compte {brand} était bloqué.",
        "SMS de {brand} pour une commande de {price} que je n'ai pas faite.",
    ],
    search_result: &[
        "J'ai cherché le service client {brand} sur Google et j'ai appelé le premier numéro.",
        "J'avais besoin d'aide pour mon compte {brand}, j'ai cherché le numéro sur internet.",
        "Je voulais résilier un abonnement et j'ai cherché le téléphone de {brand}.",
    ],
    social_media: &[
        "Quelqu'un m'a écrit sur Facebook en se présentant comme {brand}.",
        "J'ai vu une pub sur Instagram de {brand} qui parlait de remboursements.",
        "J'ai reçu un WhatsApp d'un soi-disant technicien {brand}.",
    ],
    other: &[
        "Je ne sais plus trop comment ça a commencé, j'ai dû cliquer sur quelque chose.",
        "Une connaissance m'a donné un numéro de {brand}, c'étaient des escrocs.",
        "Ça a commencé par un courrier qui semblait venir de {brand}.",
    ],
    phone: &[
        "Le numéro était le {phone}.",
        "On m'a dit d'appeler le {phone}.",
        "Ils m'ont appelé depuis le {phone}.",
        "J'ai appelé le {phone} et un homme avec un fort accent a répondu.",
        "Tél : {phone}",
        "Ils ont continué à appeler depuis le {phone}.",
        "Merci de bloquer ce numéro : {phone}",
    ],
    site: &[
        "Il m'a fait aller sur {site}.",
        "Le site était {site}.",
        "Ils m'ont envoyé sur {site} pour télécharger un logiciel.",
        "Il y avait un lien vers {site} dans le message.",
    ],
    email_address: &[
        "Le mail venait de {email}.",
        "Ils m'ont envoyé une facture depuis {email}.",
        "Il fallait répondre à {email}.",
    ],
    alias: &[
        "L'homme s'est présenté comme {alias}.",
        "Il s'appelait soi-disant {alias} et m'a donné le numéro de dossier {case}.",
        "Ensuite un soi-disant responsable, {alias}, a pris le téléphone.",
        "Un certain {alias} était très aimable au début.",
    ],
    remote_id: &[
        "Il m'a fait installer {tool} et lui donner le numéro {ra_id}.",
        "Ils se sont connectés avec {tool}, l'identifiant était {ra_id}.",
        "{tool} ID : {ra_id}",
        "J'ai téléchargé {tool} et donné le code {ra_id}.",
    ],
    remote: &[
        "Il m'a demandé de télécharger {tool} pour réparer.",
        "Ils ont pris le contrôle de mon ordinateur avec un logiciel appelé {tool}.",
        "La souris bougeait toute seule, ils utilisaient {tool}.",
        "Il m'a expliqué comment installer {tool}.",
    ],
    middle: &[
        "Il avait l'air très professionnel et connaissait mon nom.",
        "Il m'a montré plein d'erreurs en rouge en disant que des pirates étaient dans mon ordinateur.",
        "Il m'a dit de ne rien dire à la banque car des employés étaient complices.",
        "Je suis resté presque trois heures au téléphone.",
        "À un moment l'écran est devenu noir et je ne voyais plus rien.",
        "Il m'a demandé de me connecter à ma banque en ligne pendant qu'ils étaient connectés.",
        "Il a dit qu'ils m'avaient remboursé trop d'argent par erreur.",
        "On entendait beaucoup de monde derrière, comme un centre d'appels.",
        "Il s'est énervé quand j'ai dit que je voulais en parler à mon fils.",
        "Ils me mettaient la pression, c'était urgent soi-disant.",
    ],
    gift_cards: &[
        "Il m'a fait acheter {cards} et lui lire les codes.",
        "J'ai acheté {cards} {store}.",
        "Au total j'ai acheté {cards}.",
        "Il voulait {cards} pour « sécuriser » mon compte.",
    ],
    crypto: &[
        "J'ai dû envoyer {amount} en bitcoin à cette adresse : {wallet}",
        "J'ai déposé {amount} dans un distributeur de bitcoin.",
        "Ils m'ont montré comment acheter des cryptos et j'ai envoyé {amount} à {wallet}.",
    ],
    paid: &[
        "Au final j'ai payé {amount} ({paid_how}).",
        "J'ai perdu {amount}.",
        "Ils m'ont pris {amount} par {paid_how}.",
        "Préjudice total : {amount}.",
    ],
    not_paid: &[
        "J'ai raccroché avant de payer quoi que ce soit.",
        "Heureusement mon fils est arrivé et m'a dit de raccrocher.",
        "Je n'ai rien payé mais ils sont restés une heure sur mon ordinateur.",
        "Quand il a demandé des cartes cadeaux j'ai compris que c'était une arnaque.",
        "Ma banque a bloqué le virement.",
    ],
    decoys: &[
        "Mon numéro de commande Amazon est {order}, celui-là était vrai.",
        "Il m'a donné un numéro de ticket {case}.",
        "C'était le {day} vers {time}.",
        "Mon code postal est {zip}.",
        "Ils disaient que j'avais été débité de {price}.",
        "À {time} j'ai appelé ma banque.",
    ],
    endings: &[
        "Merci de faire quelque chose contre ces gens.",
        "J'ai porté plainte à la police.",
        "J'ai changé tous mes mots de passe.",
        "Merci de m'avoir lu.",
        "Je me sens tellement bête.",
        "L'ordinateur est chez le réparateur.",
        "Est-ce que je peux récupérer mon argent ?",
        "Méfiez-vous !",
    ],
    short: &[
        "Faux support {brand}, numéro {phone}",
        "{phone} c'est une arnaque, ils se font passer pour {brand}",
        "Escrocs au {phone}, soi-disant {brand}",
        "Faux site {site} qui se fait passer pour {brand}",
        "faux technicien {brand}",
        "Arnaque au faux support {brand}. J'ai perdu {amount}.",
    ],
    noise: &[
        "test",
        "bonjour",
        "mon imprimante ne marche plus",
        "comment changer mon mot de passe ?",
    ],
    paid_how,
    space: " ",
};

fn paid_how(method: Method) -> Group {
    match method {
        Method::GiftCard => &[
            "cartes cadeaux",
            "cartes Google Play",
            "coupons PCS",
            "Transcash",
        ],
        Method::WireTransfer => &["virement international", "Western Union"],
        Method::BankTransfer => &["virement bancaire", "virement instantané"],
        Method::Crypto => &["bitcoin", "cryptomonnaie"],
        Method::CreditCard => &["carte bancaire", "ma carte de crédit"],
        Method::Cash => &["espèces"],
        Method::PaymentApp => &["PayPal", "Interac"],
        Method::Other => &["une carte prépayée", "mandat"],
        Method::Nothing => &["rien"],
    }
}
