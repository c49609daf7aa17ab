//! ISO 3166-1 countries (alpha-3, alpha-2, English short name), generated from pycountry.
//! Alpha-3 is what the API and forms speak; alpha-2 is what libphonenumber speaks.

pub struct Country {
    pub alpha3: &'static str,
    pub alpha2: &'static str,
    pub name: &'static str,
}

pub static COUNTRIES: &[Country] = &[
    Country {
        alpha3: "AFG",
        alpha2: "AF",
        name: "Afghanistan",
    },
    Country {
        alpha3: "ALB",
        alpha2: "AL",
        name: "Albania",
    },
    Country {
        alpha3: "DZA",
        alpha2: "DZ",
        name: "Algeria",
    },
    Country {
        alpha3: "ASM",
        alpha2: "AS",
        name: "American Samoa",
    },
    Country {
        alpha3: "AND",
        alpha2: "AD",
        name: "Andorra",
    },
    Country {
        alpha3: "AGO",
        alpha2: "AO",
        name: "Angola",
    },
    Country {
        alpha3: "AIA",
        alpha2: "AI",
        name: "Anguilla",
    },
    Country {
        alpha3: "ATA",
        alpha2: "AQ",
        name: "Antarctica",
    },
    Country {
        alpha3: "ATG",
        alpha2: "AG",
        name: "Antigua and Barbuda",
    },
    Country {
        alpha3: "ARG",
        alpha2: "AR",
        name: "Argentina",
    },
    Country {
        alpha3: "ARM",
        alpha2: "AM",
        name: "Armenia",
    },
    Country {
        alpha3: "ABW",
        alpha2: "AW",
        name: "Aruba",
    },
    Country {
        alpha3: "AUS",
        alpha2: "AU",
        name: "Australia",
    },
    Country {
        alpha3: "AUT",
        alpha2: "AT",
        name: "Austria",
    },
    Country {
        alpha3: "AZE",
        alpha2: "AZ",
        name: "Azerbaijan",
    },
    Country {
        alpha3: "BHS",
        alpha2: "BS",
        name: "Bahamas",
    },
    Country {
        alpha3: "BHR",
        alpha2: "BH",
        name: "Bahrain",
    },
    Country {
        alpha3: "BGD",
        alpha2: "BD",
        name: "Bangladesh",
    },
    Country {
        alpha3: "BRB",
        alpha2: "BB",
        name: "Barbados",
    },
    Country {
        alpha3: "BLR",
        alpha2: "BY",
        name: "Belarus",
    },
    Country {
        alpha3: "BEL",
        alpha2: "BE",
        name: "Belgium",
    },
    Country {
        alpha3: "BLZ",
        alpha2: "BZ",
        name: "Belize",
    },
    Country {
        alpha3: "BEN",
        alpha2: "BJ",
        name: "Benin",
    },
    Country {
        alpha3: "BMU",
        alpha2: "BM",
        name: "Bermuda",
    },
    Country {
        alpha3: "BTN",
        alpha2: "BT",
        name: "Bhutan",
    },
    Country {
        alpha3: "BOL",
        alpha2: "BO",
        name: "Bolivia",
    },
    Country {
        alpha3: "BES",
        alpha2: "BQ",
        name: "Bonaire, Sint Eustatius and Saba",
    },
    Country {
        alpha3: "BIH",
        alpha2: "BA",
        name: "Bosnia and Herzegovina",
    },
    Country {
        alpha3: "BWA",
        alpha2: "BW",
        name: "Botswana",
    },
    Country {
        alpha3: "BVT",
        alpha2: "BV",
        name: "Bouvet Island",
    },
    Country {
        alpha3: "BRA",
        alpha2: "BR",
        name: "Brazil",
    },
    Country {
        alpha3: "IOT",
        alpha2: "IO",
        name: "British Indian Ocean Territory",
    },
    Country {
        alpha3: "BRN",
        alpha2: "BN",
        name: "Brunei Darussalam",
    },
    Country {
        alpha3: "BGR",
        alpha2: "BG",
        name: "Bulgaria",
    },
    Country {
        alpha3: "BFA",
        alpha2: "BF",
        name: "Burkina Faso",
    },
    Country {
        alpha3: "BDI",
        alpha2: "BI",
        name: "Burundi",
    },
    Country {
        alpha3: "CPV",
        alpha2: "CV",
        name: "Cabo Verde",
    },
    Country {
        alpha3: "KHM",
        alpha2: "KH",
        name: "Cambodia",
    },
    Country {
        alpha3: "CMR",
        alpha2: "CM",
        name: "Cameroon",
    },
    Country {
        alpha3: "CAN",
        alpha2: "CA",
        name: "Canada",
    },
    Country {
        alpha3: "CYM",
        alpha2: "KY",
        name: "Cayman Islands",
    },
    Country {
        alpha3: "CAF",
        alpha2: "CF",
        name: "Central African Republic",
    },
    Country {
        alpha3: "TCD",
        alpha2: "TD",
        name: "Chad",
    },
    Country {
        alpha3: "CHL",
        alpha2: "CL",
        name: "Chile",
    },
    Country {
        alpha3: "CHN",
        alpha2: "CN",
        name: "China",
    },
    Country {
        alpha3: "CXR",
        alpha2: "CX",
        name: "Christmas Island",
    },
    Country {
        alpha3: "CCK",
        alpha2: "CC",
        name: "Cocos (Keeling) Islands",
    },
    Country {
        alpha3: "COL",
        alpha2: "CO",
        name: "Colombia",
    },
    Country {
        alpha3: "COM",
        alpha2: "KM",
        name: "Comoros",
    },
    Country {
        alpha3: "COG",
        alpha2: "CG",
        name: "Congo",
    },
    Country {
        alpha3: "COD",
        alpha2: "CD",
        name: "Congo, The Democratic Republic of the",
    },
    Country {
        alpha3: "COK",
        alpha2: "CK",
        name: "Cook Islands",
    },
    Country {
        alpha3: "CRI",
        alpha2: "CR",
        name: "Costa Rica",
    },
    Country {
        alpha3: "HRV",
        alpha2: "HR",
        name: "Croatia",
    },
    Country {
        alpha3: "CUB",
        alpha2: "CU",
        name: "Cuba",
    },
    Country {
        alpha3: "CUW",
        alpha2: "CW",
        name: "Curaçao",
    },
    Country {
        alpha3: "CYP",
        alpha2: "CY",
        name: "Cyprus",
    },
    Country {
        alpha3: "CZE",
        alpha2: "CZ",
        name: "Czechia",
    },
    Country {
        alpha3: "CIV",
        alpha2: "CI",
        name: "Côte d'Ivoire",
    },
    Country {
        alpha3: "DNK",
        alpha2: "DK",
        name: "Denmark",
    },
    Country {
        alpha3: "DJI",
        alpha2: "DJ",
        name: "Djibouti",
    },
    Country {
        alpha3: "DMA",
        alpha2: "DM",
        name: "Dominica",
    },
    Country {
        alpha3: "DOM",
        alpha2: "DO",
        name: "Dominican Republic",
    },
    Country {
        alpha3: "ECU",
        alpha2: "EC",
        name: "Ecuador",
    },
    Country {
        alpha3: "EGY",
        alpha2: "EG",
        name: "Egypt",
    },
    Country {
        alpha3: "SLV",
        alpha2: "SV",
        name: "El Salvador",
    },
    Country {
        alpha3: "GNQ",
        alpha2: "GQ",
        name: "Equatorial Guinea",
    },
    Country {
        alpha3: "ERI",
        alpha2: "ER",
        name: "Eritrea",
    },
    Country {
        alpha3: "EST",
        alpha2: "EE",
        name: "Estonia",
    },
    Country {
        alpha3: "SWZ",
        alpha2: "SZ",
        name: "Eswatini",
    },
    Country {
        alpha3: "ETH",
        alpha2: "ET",
        name: "Ethiopia",
    },
    Country {
        alpha3: "FLK",
        alpha2: "FK",
        name: "Falkland Islands (Malvinas)",
    },
    Country {
        alpha3: "FRO",
        alpha2: "FO",
        name: "Faroe Islands",
    },
    Country {
        alpha3: "FJI",
        alpha2: "FJ",
        name: "Fiji",
    },
    Country {
        alpha3: "FIN",
        alpha2: "FI",
        name: "Finland",
    },
    Country {
        alpha3: "FRA",
        alpha2: "FR",
        name: "France",
    },
    Country {
        alpha3: "GUF",
        alpha2: "GF",
        name: "French Guiana",
    },
    Country {
        alpha3: "PYF",
        alpha2: "PF",
        name: "French Polynesia",
    },
    Country {
        alpha3: "ATF",
        alpha2: "TF",
        name: "French Southern Territories",
    },
    Country {
        alpha3: "GAB",
        alpha2: "GA",
        name: "Gabon",
    },
    Country {
        alpha3: "GMB",
        alpha2: "GM",
        name: "Gambia",
    },
    Country {
        alpha3: "GEO",
        alpha2: "GE",
        name: "Georgia",
    },
    Country {
        alpha3: "DEU",
        alpha2: "DE",
        name: "Germany",
    },
    Country {
        alpha3: "GHA",
        alpha2: "GH",
        name: "Ghana",
    },
    Country {
        alpha3: "GIB",
        alpha2: "GI",
        name: "Gibraltar",
    },
    Country {
        alpha3: "GRC",
        alpha2: "GR",
        name: "Greece",
    },
    Country {
        alpha3: "GRL",
        alpha2: "GL",
        name: "Greenland",
    },
    Country {
        alpha3: "GRD",
        alpha2: "GD",
        name: "Grenada",
    },
    Country {
        alpha3: "GLP",
        alpha2: "GP",
        name: "Guadeloupe",
    },
    Country {
        alpha3: "GUM",
        alpha2: "GU",
        name: "Guam",
    },
    Country {
        alpha3: "GTM",
        alpha2: "GT",
        name: "Guatemala",
    },
    Country {
        alpha3: "GGY",
        alpha2: "GG",
        name: "Guernsey",
    },
    Country {
        alpha3: "GIN",
        alpha2: "GN",
        name: "Guinea",
    },
    Country {
        alpha3: "GNB",
        alpha2: "GW",
        name: "Guinea-Bissau",
    },
    Country {
        alpha3: "GUY",
        alpha2: "GY",
        name: "Guyana",
    },
    Country {
        alpha3: "HTI",
        alpha2: "HT",
        name: "Haiti",
    },
    Country {
        alpha3: "HMD",
        alpha2: "HM",
        name: "Heard Island and McDonald Islands",
    },
    Country {
        alpha3: "VAT",
        alpha2: "VA",
        name: "Holy See (Vatican City State)",
    },
    Country {
        alpha3: "HND",
        alpha2: "HN",
        name: "Honduras",
    },
    Country {
        alpha3: "HKG",
        alpha2: "HK",
        name: "Hong Kong",
    },
    Country {
        alpha3: "HUN",
        alpha2: "HU",
        name: "Hungary",
    },
    Country {
        alpha3: "ISL",
        alpha2: "IS",
        name: "Iceland",
    },
    Country {
        alpha3: "IND",
        alpha2: "IN",
        name: "India",
    },
    Country {
        alpha3: "IDN",
        alpha2: "ID",
        name: "Indonesia",
    },
    Country {
        alpha3: "IRN",
        alpha2: "IR",
        name: "Iran",
    },
    Country {
        alpha3: "IRQ",
        alpha2: "IQ",
        name: "Iraq",
    },
    Country {
        alpha3: "IRL",
        alpha2: "IE",
        name: "Ireland",
    },
    Country {
        alpha3: "IMN",
        alpha2: "IM",
        name: "Isle of Man",
    },
    Country {
        alpha3: "ISR",
        alpha2: "IL",
        name: "Israel",
    },
    Country {
        alpha3: "ITA",
        alpha2: "IT",
        name: "Italy",
    },
    Country {
        alpha3: "JAM",
        alpha2: "JM",
        name: "Jamaica",
    },
    Country {
        alpha3: "JPN",
        alpha2: "JP",
        name: "Japan",
    },
    Country {
        alpha3: "JEY",
        alpha2: "JE",
        name: "Jersey",
    },
    Country {
        alpha3: "JOR",
        alpha2: "JO",
        name: "Jordan",
    },
    Country {
        alpha3: "KAZ",
        alpha2: "KZ",
        name: "Kazakhstan",
    },
    Country {
        alpha3: "KEN",
        alpha2: "KE",
        name: "Kenya",
    },
    Country {
        alpha3: "KIR",
        alpha2: "KI",
        name: "Kiribati",
    },
    Country {
        alpha3: "PRK",
        alpha2: "KP",
        name: "North Korea",
    },
    Country {
        alpha3: "KOR",
        alpha2: "KR",
        name: "South Korea",
    },
    Country {
        alpha3: "KWT",
        alpha2: "KW",
        name: "Kuwait",
    },
    Country {
        alpha3: "KGZ",
        alpha2: "KG",
        name: "Kyrgyzstan",
    },
    Country {
        alpha3: "LAO",
        alpha2: "LA",
        name: "Laos",
    },
    Country {
        alpha3: "LVA",
        alpha2: "LV",
        name: "Latvia",
    },
    Country {
        alpha3: "LBN",
        alpha2: "LB",
        name: "Lebanon",
    },
    Country {
        alpha3: "LSO",
        alpha2: "LS",
        name: "Lesotho",
    },
    Country {
        alpha3: "LBR",
        alpha2: "LR",
        name: "Liberia",
    },
    Country {
        alpha3: "LBY",
        alpha2: "LY",
        name: "Libya",
    },
    Country {
        alpha3: "LIE",
        alpha2: "LI",
        name: "Liechtenstein",
    },
    Country {
        alpha3: "LTU",
        alpha2: "LT",
        name: "Lithuania",
    },
    Country {
        alpha3: "LUX",
        alpha2: "LU",
        name: "Luxembourg",
    },
    Country {
        alpha3: "MAC",
        alpha2: "MO",
        name: "Macao",
    },
    Country {
        alpha3: "MDG",
        alpha2: "MG",
        name: "Madagascar",
    },
    Country {
        alpha3: "MWI",
        alpha2: "MW",
        name: "Malawi",
    },
    Country {
        alpha3: "MYS",
        alpha2: "MY",
        name: "Malaysia",
    },
    Country {
        alpha3: "MDV",
        alpha2: "MV",
        name: "Maldives",
    },
    Country {
        alpha3: "MLI",
        alpha2: "ML",
        name: "Mali",
    },
    Country {
        alpha3: "MLT",
        alpha2: "MT",
        name: "Malta",
    },
    Country {
        alpha3: "MHL",
        alpha2: "MH",
        name: "Marshall Islands",
    },
    Country {
        alpha3: "MTQ",
        alpha2: "MQ",
        name: "Martinique",
    },
    Country {
        alpha3: "MRT",
        alpha2: "MR",
        name: "Mauritania",
    },
    Country {
        alpha3: "MUS",
        alpha2: "MU",
        name: "Mauritius",
    },
    Country {
        alpha3: "MYT",
        alpha2: "YT",
        name: "Mayotte",
    },
    Country {
        alpha3: "MEX",
        alpha2: "MX",
        name: "Mexico",
    },
    Country {
        alpha3: "FSM",
        alpha2: "FM",
        name: "Micronesia, Federated States of",
    },
    Country {
        alpha3: "MDA",
        alpha2: "MD",
        name: "Moldova",
    },
    Country {
        alpha3: "MCO",
        alpha2: "MC",
        name: "Monaco",
    },
    Country {
        alpha3: "MNG",
        alpha2: "MN",
        name: "Mongolia",
    },
    Country {
        alpha3: "MNE",
        alpha2: "ME",
        name: "Montenegro",
    },
    Country {
        alpha3: "MSR",
        alpha2: "MS",
        name: "Montserrat",
    },
    Country {
        alpha3: "MAR",
        alpha2: "MA",
        name: "Morocco",
    },
    Country {
        alpha3: "MOZ",
        alpha2: "MZ",
        name: "Mozambique",
    },
    Country {
        alpha3: "MMR",
        alpha2: "MM",
        name: "Myanmar",
    },
    Country {
        alpha3: "NAM",
        alpha2: "NA",
        name: "Namibia",
    },
    Country {
        alpha3: "NRU",
        alpha2: "NR",
        name: "Nauru",
    },
    Country {
        alpha3: "NPL",
        alpha2: "NP",
        name: "Nepal",
    },
    Country {
        alpha3: "NLD",
        alpha2: "NL",
        name: "Netherlands",
    },
    Country {
        alpha3: "NCL",
        alpha2: "NC",
        name: "New Caledonia",
    },
    Country {
        alpha3: "NZL",
        alpha2: "NZ",
        name: "New Zealand",
    },
    Country {
        alpha3: "NIC",
        alpha2: "NI",
        name: "Nicaragua",
    },
    Country {
        alpha3: "NER",
        alpha2: "NE",
        name: "Niger",
    },
    Country {
        alpha3: "NGA",
        alpha2: "NG",
        name: "Nigeria",
    },
    Country {
        alpha3: "NIU",
        alpha2: "NU",
        name: "Niue",
    },
    Country {
        alpha3: "NFK",
        alpha2: "NF",
        name: "Norfolk Island",
    },
    Country {
        alpha3: "MKD",
        alpha2: "MK",
        name: "North Macedonia",
    },
    Country {
        alpha3: "MNP",
        alpha2: "MP",
        name: "Northern Mariana Islands",
    },
    Country {
        alpha3: "NOR",
        alpha2: "NO",
        name: "Norway",
    },
    Country {
        alpha3: "OMN",
        alpha2: "OM",
        name: "Oman",
    },
    Country {
        alpha3: "PAK",
        alpha2: "PK",
        name: "Pakistan",
    },
    Country {
        alpha3: "PLW",
        alpha2: "PW",
        name: "Palau",
    },
    Country {
        alpha3: "PSE",
        alpha2: "PS",
        name: "Palestine, State of",
    },
    Country {
        alpha3: "PAN",
        alpha2: "PA",
        name: "Panama",
    },
    Country {
        alpha3: "PNG",
        alpha2: "PG",
        name: "Papua New Guinea",
    },
    Country {
        alpha3: "PRY",
        alpha2: "PY",
        name: "Paraguay",
    },
    Country {
        alpha3: "PER",
        alpha2: "PE",
        name: "Peru",
    },
    Country {
        alpha3: "PHL",
        alpha2: "PH",
        name: "Philippines",
    },
    Country {
        alpha3: "PCN",
        alpha2: "PN",
        name: "Pitcairn",
    },
    Country {
        alpha3: "POL",
        alpha2: "PL",
        name: "Poland",
    },
    Country {
        alpha3: "PRT",
        alpha2: "PT",
        name: "Portugal",
    },
    Country {
        alpha3: "PRI",
        alpha2: "PR",
        name: "Puerto Rico",
    },
    Country {
        alpha3: "QAT",
        alpha2: "QA",
        name: "Qatar",
    },
    Country {
        alpha3: "ROU",
        alpha2: "RO",
        name: "Romania",
    },
    Country {
        alpha3: "RUS",
        alpha2: "RU",
        name: "Russian Federation",
    },
    Country {
        alpha3: "RWA",
        alpha2: "RW",
        name: "Rwanda",
    },
    Country {
        alpha3: "REU",
        alpha2: "RE",
        name: "Réunion",
    },
    Country {
        alpha3: "BLM",
        alpha2: "BL",
        name: "Saint Barthélemy",
    },
    Country {
        alpha3: "SHN",
        alpha2: "SH",
        name: "Saint Helena, Ascension and Tristan da Cunha",
    },
    Country {
        alpha3: "KNA",
        alpha2: "KN",
        name: "Saint Kitts and Nevis",
    },
    Country {
        alpha3: "LCA",
        alpha2: "LC",
        name: "Saint Lucia",
    },
    Country {
        alpha3: "MAF",
        alpha2: "MF",
        name: "Saint Martin (French part)",
    },
    Country {
        alpha3: "SPM",
        alpha2: "PM",
        name: "Saint Pierre and Miquelon",
    },
    Country {
        alpha3: "VCT",
        alpha2: "VC",
        name: "Saint Vincent and the Grenadines",
    },
    Country {
        alpha3: "WSM",
        alpha2: "WS",
        name: "Samoa",
    },
    Country {
        alpha3: "SMR",
        alpha2: "SM",
        name: "San Marino",
    },
    Country {
        alpha3: "STP",
        alpha2: "ST",
        name: "Sao Tome and Principe",
    },
    Country {
        alpha3: "SAU",
        alpha2: "SA",
        name: "Saudi Arabia",
    },
    Country {
        alpha3: "SEN",
        alpha2: "SN",
        name: "Senegal",
    },
    Country {
        alpha3: "SRB",
        alpha2: "RS",
        name: "Serbia",
    },
    Country {
        alpha3: "SYC",
        alpha2: "SC",
        name: "Seychelles",
    },
    Country {
        alpha3: "SLE",
        alpha2: "SL",
        name: "Sierra Leone",
    },
    Country {
        alpha3: "SGP",
        alpha2: "SG",
        name: "Singapore",
    },
    Country {
        alpha3: "SXM",
        alpha2: "SX",
        name: "Sint Maarten (Dutch part)",
    },
    Country {
        alpha3: "SVK",
        alpha2: "SK",
        name: "Slovakia",
    },
    Country {
        alpha3: "SVN",
        alpha2: "SI",
        name: "Slovenia",
    },
    Country {
        alpha3: "SLB",
        alpha2: "SB",
        name: "Solomon Islands",
    },
    Country {
        alpha3: "SOM",
        alpha2: "SO",
        name: "Somalia",
    },
    Country {
        alpha3: "ZAF",
        alpha2: "ZA",
        name: "South Africa",
    },
    Country {
        alpha3: "SGS",
        alpha2: "GS",
        name: "South Georgia and the South Sandwich Islands",
    },
    Country {
        alpha3: "SSD",
        alpha2: "SS",
        name: "South Sudan",
    },
    Country {
        alpha3: "ESP",
        alpha2: "ES",
        name: "Spain",
    },
    Country {
        alpha3: "LKA",
        alpha2: "LK",
        name: "Sri Lanka",
    },
    Country {
        alpha3: "SDN",
        alpha2: "SD",
        name: "Sudan",
    },
    Country {
        alpha3: "SUR",
        alpha2: "SR",
        name: "Suriname",
    },
    Country {
        alpha3: "SJM",
        alpha2: "SJ",
        name: "Svalbard and Jan Mayen",
    },
    Country {
        alpha3: "SWE",
        alpha2: "SE",
        name: "Sweden",
    },
    Country {
        alpha3: "CHE",
        alpha2: "CH",
        name: "Switzerland",
    },
    Country {
        alpha3: "SYR",
        alpha2: "SY",
        name: "Syria",
    },
    Country {
        alpha3: "TWN",
        alpha2: "TW",
        name: "Taiwan",
    },
    Country {
        alpha3: "TJK",
        alpha2: "TJ",
        name: "Tajikistan",
    },
    Country {
        alpha3: "TZA",
        alpha2: "TZ",
        name: "Tanzania",
    },
    Country {
        alpha3: "THA",
        alpha2: "TH",
        name: "Thailand",
    },
    Country {
        alpha3: "TLS",
        alpha2: "TL",
        name: "Timor-Leste",
    },
    Country {
        alpha3: "TGO",
        alpha2: "TG",
        name: "Togo",
    },
    Country {
        alpha3: "TKL",
        alpha2: "TK",
        name: "Tokelau",
    },
    Country {
        alpha3: "TON",
        alpha2: "TO",
        name: "Tonga",
    },
    Country {
        alpha3: "TTO",
        alpha2: "TT",
        name: "Trinidad and Tobago",
    },
    Country {
        alpha3: "TUN",
        alpha2: "TN",
        name: "Tunisia",
    },
    Country {
        alpha3: "TKM",
        alpha2: "TM",
        name: "Turkmenistan",
    },
    Country {
        alpha3: "TCA",
        alpha2: "TC",
        name: "Turks and Caicos Islands",
    },
    Country {
        alpha3: "TUV",
        alpha2: "TV",
        name: "Tuvalu",
    },
    Country {
        alpha3: "TUR",
        alpha2: "TR",
        name: "Türkiye",
    },
    Country {
        alpha3: "UGA",
        alpha2: "UG",
        name: "Uganda",
    },
    Country {
        alpha3: "UKR",
        alpha2: "UA",
        name: "Ukraine",
    },
    Country {
        alpha3: "ARE",
        alpha2: "AE",
        name: "United Arab Emirates",
    },
    Country {
        alpha3: "GBR",
        alpha2: "GB",
        name: "United Kingdom",
    },
    Country {
        alpha3: "USA",
        alpha2: "US",
        name: "United States",
    },
    Country {
        alpha3: "UMI",
        alpha2: "UM",
        name: "United States Minor Outlying Islands",
    },
    Country {
        alpha3: "URY",
        alpha2: "UY",
        name: "Uruguay",
    },
    Country {
        alpha3: "UZB",
        alpha2: "UZ",
        name: "Uzbekistan",
    },
    Country {
        alpha3: "VUT",
        alpha2: "VU",
        name: "Vanuatu",
    },
    Country {
        alpha3: "VEN",
        alpha2: "VE",
        name: "Venezuela",
    },
    Country {
        alpha3: "VNM",
        alpha2: "VN",
        name: "Vietnam",
    },
    Country {
        alpha3: "VGB",
        alpha2: "VG",
        name: "Virgin Islands, British",
    },
    Country {
        alpha3: "VIR",
        alpha2: "VI",
        name: "Virgin Islands, U.S.",
    },
    Country {
        alpha3: "WLF",
        alpha2: "WF",
        name: "Wallis and Futuna",
    },
    Country {
        alpha3: "ESH",
        alpha2: "EH",
        name: "Western Sahara",
    },
    Country {
        alpha3: "YEM",
        alpha2: "YE",
        name: "Yemen",
    },
    Country {
        alpha3: "ZMB",
        alpha2: "ZM",
        name: "Zambia",
    },
    Country {
        alpha3: "ZWE",
        alpha2: "ZW",
        name: "Zimbabwe",
    },
    Country {
        alpha3: "ALA",
        alpha2: "AX",
        name: "Åland Islands",
    },
];

/// Looks a country up by its alpha-3 code, case-insensitively.
pub fn by_alpha3(code: &str) -> Option<&'static Country> {
    COUNTRIES
        .iter()
        .find(|c| c.alpha3.eq_ignore_ascii_case(code.trim()))
}

/// Looks a country up by its alpha-2 code, case-insensitively.
pub fn by_alpha2(code: &str) -> Option<&'static Country> {
    COUNTRIES
        .iter()
        .find(|c| c.alpha2.eq_ignore_ascii_case(code.trim()))
}
