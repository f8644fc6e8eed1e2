//! Spanish phrasebook (Spain, and Spanish-speaking victims in the US).

use super::{Group, Phrasebook};
use crate::money::Method;

pub(super) const BOOK: Phrasebook = Phrasebook {
    openings: &[
        "Quiero denunciar una estafa.",
        "Hola, creo que me han estafado.",
        "El {day} me pasó algo muy raro con el ordenador.",
        "Tengo 76 años y no sé mucho de informática.",
        "Escribo esto para que nadie más caiga.",
        "Ayer sobre las {time} me pasó lo siguiente.",
        "Me da vergüenza contarlo, pero aquí va.",
        "¡Cuidado con esta estafa!",
        "Resumiendo: falso soporte técnico de {brand}.",
    ],
    popup: &[
        "De repente salió una ventana roja diciendo que mi ordenador estaba bloqueado y que llamara al soporte de {brand} al {phone}.",
        "Mientras navegaba apareció un aviso de {brand} con una alarma, diciendo que tenía virus.",
        "La pantalla se quedó congelada con un mensaje de {brand} que decía que no apagara el equipo.",
        "Me salió un aviso de seguridad de {brand} con un número de teléfono para llamar.",
        "El navegador se puso a pantalla completa y una voz decía que llamara al {phone}.",
    ],
    phone_call: &[
        "Me llamó un hombre que decía ser de {brand} y que mi ordenador estaba enviando virus.",
        "Recibí una llamada del {phone} de alguien que decía trabajar en {brand}.",
        "Una grabación dijo que había un cargo sospechoso en mi cuenta de {brand}.",
        "Me llamaron diciendo que mi licencia de {brand} había caducado.",
        "Me llamó una mujer del supuesto departamento de fraude de {brand}.",
    ],
    email: &[
        "Recibí un correo diciendo que mi suscripción de {brand} por {price} se había renovado.",
        "Me llegó una factura de {brand} por algo que nunca compré.",
        "Un correo que parecía de {brand} decía que mi cuenta estaba suspendida.",
    ],
    sms: &[
        "Me llegó un SMS diciendo que había una compra sospechosa en mi cuenta de {brand}.",
        "Un mensaje de texto decía que mi cuenta de {brand} estaba bloqueada.",
        "Recibí un SMS de {brand} sobre un pedido de {price} que no hice.",
    ],
    search_result: &[
        "Busqué en Google el teléfono de atención al cliente de {brand} y llamé al primero que salió.",
        "Necesitaba ayuda con mi cuenta de {brand} y busqué el número en internet.",
        "Quería cancelar una suscripción y busqué el teléfono de {brand}.",
    ],
    social_media: &[
        "Alguien me escribió por Facebook diciendo que era de {brand}.",
        "Vi un anuncio en Instagram de {brand} sobre devoluciones.",
        "Me llegó un WhatsApp de un supuesto técnico de {brand}.",
    ],
    other: &[
        "No recuerdo bien cómo empezó, creo que pinché en algo.",
        "Un conocido me dio un número de {brand} y resultó ser una estafa.",
        "Empezó con una carta que parecía de {brand}.",
    ],
    phone: &[
        "El número era el {phone}.",
        "Me dijeron que llamara al {phone}.",
        "Me llamaron desde el {phone}.",
        "Llamé al {phone} y contestó un hombre con mucho acento.",
        "Teléfono: {phone}",
        "Después siguieron llamando desde el {phone}.",
        "Por favor bloqueen este número: {phone}",
    ],
    site: &[
        "Me hizo entrar en {site}.",
        "La página web era {site}.",
        "Me mandaron a {site} para descargar un programa.",
        "En el mensaje había un enlace a {site}.",
    ],
    email_address: &[
        "El correo venía de {email}.",
        "Me mandaron una factura desde {email}.",
        "Me dijeron que respondiera a {email}.",
    ],
    alias: &[
        "El hombre dijo llamarse {alias}.",
        "Se presentó como {alias} y me dio el número de caso {case}.",
        "Luego se puso un supuesto supervisor, {alias}.",
        "Un tal {alias} fue muy amable al principio.",
    ],
    remote_id: &[
        "Me hizo instalar {tool} y darle el número {ra_id}.",
        "Se conectaron con {tool}, el ID era {ra_id}.",
        "{tool} ID: {ra_id}",
        "Descargué {tool} y les di el código {ra_id}.",
    ],
    remote: &[
        "Me pidió que descargara {tool} para arreglarlo.",
        "Tomaron el control de mi ordenador con un programa llamado {tool}.",
        "El ratón empezó a moverse solo, usaban {tool}.",
        "Me explicó cómo instalar {tool}.",
    ],
    middle: &[
        "Sonaba muy profesional y sabía mi nombre.",
        "Me enseñó muchos errores en rojo y dijo que había hackers en mi ordenador.",
        "Me dijo que no le contara nada al banco porque los empleados estaban implicados.",
        "Estuve casi tres horas al teléfono.",
        "En un momento la pantalla se puso negra y no veía nada.",
        "Me pidió que entrara en mi banca online mientras estaban conectados.",
        "Dijo que me habían devuelto demasiado dinero por error.",
        "Se oía mucha gente de fondo, como en un call center.",
        "Se enfadó cuando dije que quería consultarlo con mi hijo.",
        "Me metían mucha prisa, decían que era urgente.",
    ],
    gift_cards: &[
        "Me hizo comprar {cards} y leerle los códigos.",
        "Compré {cards} {store}.",
        "En total compré {cards}.",
        "Quería {cards} para 'proteger' mi cuenta.",
    ],
    crypto: &[
        "Tuve que enviar {amount} en bitcoin a esta dirección: {wallet}",
        "Ingresé {amount} en un cajero de bitcoin.",
        "Me enseñaron a comprar criptomonedas y mandé {amount} a {wallet}.",
    ],
    paid: &[
        "Al final pagué {amount} ({paid_how}).",
        "Perdí {amount}.",
        "Me sacaron {amount} mediante {paid_how}.",
        "En total, {amount}.",
    ],
    not_paid: &[
        "Colgué antes de pagar nada.",
        "Por suerte llegó mi hijo y me dijo que colgara.",
        "No pagué nada, pero estuvieron una hora en mi ordenador.",
        "Cuando me pidió tarjetas regalo supe que era una estafa.",
        "Mi banco paró la transferencia.",
    ],
    decoys: &[
        "Mi número de pedido de Amazon es {order}, ese sí era real.",
        "Me dio un número de incidencia {case}.",
        "Fue el {day} sobre las {time}.",
        "Mi código postal es {zip}.",
        "Decían que me habían cobrado {price}.",
        "A las {time} llamé a mi banco.",
    ],
    endings: &[
        "Por favor, hagan algo con esta gente.",
        "Ya lo denuncié a la policía.",
        "He cambiado todas mis contraseñas.",
        "Gracias por leer.",
        "Me siento tonta.",
        "El ordenador está ahora en el técnico.",
        "¿Hay forma de recuperar mi dinero?",
        "¡Cuidado!",
    ],
    short: &[
        "Falso soporte de {brand}, número {phone}",
        "{phone} es una estafa, dicen ser de {brand}",
        "Estafadores en el {phone}, supuestamente {brand}",
        "Web falsa {site} haciéndose pasar por {brand}",
        "falso técnico de {brand}",
        "Estafa del soporte técnico de {brand}. Perdí {amount}.",
    ],
    noise: &[
        "prueba",
        "hola",
        "mi impresora no funciona",
        "¿cómo cambio mi contraseña?",
    ],
    paid_how,
    space: " ",
};

fn paid_how(method: Method) -> Group {
    match method {
        Method::GiftCard => &["tarjetas regalo", "tarjetas de Google Play", "Paysafecard"],
        Method::WireTransfer => &["transferencia internacional", "Western Union"],
        Method::BankTransfer => &["transferencia bancaria", "transferencia inmediata"],
        Method::Crypto => &["bitcoin", "criptomonedas"],
        Method::CreditCard => &["tarjeta de crédito", "mi tarjeta"],
        Method::Cash => &["efectivo"],
        Method::PaymentApp => &["Bizum", "PayPal"],
        Method::Other => &["una tarjeta prepago"],
        Method::Nothing => &["nada"],
    }
}
